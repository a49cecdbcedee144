// The console's socket client (gateway/web/live.js) against a scripted WebSocket: a join the
// server turns away for now is sent again after a pause; any other answer ends it.
// Run: node --test tests/browser/live_boards.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';

class ScriptedSocket {
  static OPEN = 1;
  static last = null;
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.listeners = new Map();
    ScriptedSocket.last = this;
  }
  addEventListener(type, listener) { this.listeners.set(type, [...(this.listeners.get(type) || []), listener]); }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; this.emit('close'); }
  emit(type, data) { for (const l of this.listeners.get(type) || []) l({ data }); }
  open() { this.readyState = ScriptedSocket.OPEN; this.emit('open'); }
  answer(frame) { this.emit('message', JSON.stringify(frame)); }
  joins() { return this.sent.filter((f) => f.event === 'client:join_board'); }
  // Turns away the n-th join this socket sent, with `code`.
  refuseJoin(n, code) { this.answer(refusal(this.joins()[n].request_id, code)); }
}

globalThis.WebSocket = ScriptedSocket;
globalThis.location = { protocol: 'http:', host: '127.0.0.1:8080' };
const { LiveBoards } = await import('../../gateway/web/live.js');

const board = '7b0c9a52-3c1e-4a55-9d2f-1f1b6a6c0001';
const refusal = (requestId, code) => ({
  event: 'server:error', request_id: requestId,
  payload: { code, message: 'The server is busy; try again.', request_id: requestId },
});

// The test's own mock timers: restored when it ends, whatever it asserted.
function started(t) {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const errors = [];
  const live = new LiveBoards(() => {});
  live.on('server:error', (p) => errors.push(p.code));
  live.start();
  t.after(() => live.stop());  // whatever the test asserted
  const socket = ScriptedSocket.last;
  socket.open();
  return { live, socket, errors };
}

test('a join refused as busy is sent again after 500 ms, then after 1 s', (t) => {
  const { live, socket, errors } = started(t);
  live.join(board);
  assert.equal(socket.joins().length, 1);
  socket.refuseJoin(0, 'SERVICE_UNAVAILABLE');
  t.mock.timers.tick(499);
  assert.equal(socket.joins().length, 1, 'not before the pause');
  t.mock.timers.tick(1);
  assert.equal(socket.joins().length, 2);
  assert.equal(socket.joins()[1].payload.local_board_id, board);
  socket.refuseJoin(1, 'RATE_LIMITED');
  t.mock.timers.tick(999);
  assert.equal(socket.joins().length, 2, 'the pause doubles');
  t.mock.timers.tick(1);
  assert.equal(socket.joins().length, 3);
  assert.deepEqual(errors, [], 'a refusal that is retried is not shown as an error');
});

test('a join answered NOT_FOUND is not sent again, and its error reaches the screens', (t) => {
  const { live, socket, errors } = started(t);
  live.join(board);
  socket.refuseJoin(0, 'NOT_FOUND');
  t.mock.timers.tick(20000);
  assert.equal(socket.joins().length, 1);
  assert.deepEqual(errors, ['NOT_FOUND']);
});

test('a board left while its join waits is not joined again', (t) => {
  const { live, socket } = started(t);
  const leave = live.join(board);
  socket.refuseJoin(0, 'SERVICE_UNAVAILABLE');
  leave();
  t.mock.timers.tick(20000);
  assert.equal(socket.joins().length, 1);
});

test('a busy answer to a frame that is not a pending join is left to the screens', (t) => {
  const { live, socket, errors } = started(t);
  const requestId = live.send('client:move_task', { local_task_id: 'x' });
  socket.answer(refusal(requestId, 'SERVICE_UNAVAILABLE'));
  t.mock.timers.tick(20000);
  assert.equal(socket.joins().length, 0);
  assert.deepEqual(errors, ['SERVICE_UNAVAILABLE']);
});

test('a join the server answered with the board is done with', (t) => {
  const { live, socket } = started(t);
  live.join(board);
  const requestId = socket.joins()[0].request_id;
  socket.answer({ event: 'server:board_state_sync', request_id: requestId, payload: { local_board_id: board, tasks: [] } });
  socket.answer(refusal(requestId, 'SERVICE_UNAVAILABLE'));
  t.mock.timers.tick(20000);
  assert.equal(socket.joins().length, 1);
});

test('a retry pending when the socket drops is dropped: the reconnect joins once', (t) => {
  const { live, socket } = started(t);
  live.join(board);
  socket.refuseJoin(0, 'SERVICE_UNAVAILABLE');
  t.mock.timers.tick(500);
  socket.refuseJoin(1, 'SERVICE_UNAVAILABLE');  // next try in 1 s
  socket.close();
  t.mock.timers.tick(500);  // the socket's own reconnect
  const again = ScriptedSocket.last;
  assert.notEqual(again, socket);
  again.open();
  assert.equal(again.joins().length, 1, 'the open handler rejoins the room');
  again.answer({ event: 'server:board_state_sync', request_id: again.joins()[0].request_id, payload: {} });
  t.mock.timers.tick(20000);
  assert.equal(again.joins().length, 1, 'the old retry does not join a second time');
});
