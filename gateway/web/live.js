// The board WebSocket of API.md §5: one socket for the page, rooms joined by the screens,
// rejoined after a reconnect (each join answers a fresh board_state_sync). A join the server
// turns away for now (busy, or too many frames) is sent again after a pause, so a board
// opened during a burst still goes live.
export class LiveBoards {
  constructor(onStatus) {
    this.handlers = new Map();
    this.rooms = new Map();  // board id → how many screens want it
    this.pending = [];
    this.next = 1;
    this.retry = 500;
    this.joining = new Map();  // request_id of a join in flight → board id
    this.rejoinPause = new Map();  // board id → the pause before its next attempt
    this.rejoinTimers = new Map();  // board id → its one pending retry
    this.onStatus = onStatus;
    this.closed = false;
  }

  start() {
    this.timer = null;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/ws`);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.retry = 500;
      this.onStatus(true);
      for (const board of this.rooms.keys()) this.sendJoin(board);
      for (const frame of this.pending.splice(0)) socket.send(frame);
    });
    socket.addEventListener('message', (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (this.joinTurnedAway(frame)) return;
      for (const handler of this.handlers.get(frame.event) || []) handler(frame.payload || {}, frame);
      for (const handler of this.handlers.get('*') || []) handler(frame.payload || {}, frame);
    });
    socket.addEventListener('close', () => {
      this.joining.clear();
      this.cancelRejoins();  // the next open joins every wanted room
      this.onStatus(false);
      if (this.closed) return;
      this.timer = setTimeout(() => this.start(), this.retry);
      this.retry = Math.min(this.retry * 2, 10000);
    });
  }

  stop() {
    this.closed = true;
    clearTimeout(this.timer);
    this.cancelRejoins();
    this.handlers.clear();
    this.rooms.clear();
    this.pending = [];
    this.socket?.close();
  }

  on(event, handler) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(handler);
    return () => this.handlers.get(event)?.delete(handler);
  }

  // Sends a client frame (queued until the socket is open); returns its request_id, which a
  // server:error names.
  send(event, payload) {
    const requestId = `c${this.next++}`;
    const frame = JSON.stringify({ event, request_id: requestId, payload });
    if (this.isOpen()) this.socket.send(frame);
    else this.pending.push(frame);
    return requestId;
  }

  isOpen() { return this.socket?.readyState === WebSocket.OPEN; }

  join(board) {
    const count = this.rooms.get(board) || 0;
    this.rooms.set(board, count + 1);
    // Not yet open: the open handler joins every wanted room.
    if (count === 0 && this.isOpen()) this.sendJoin(board);
    return () => this.leave(board);
  }

  sendJoin(board) {
    clearTimeout(this.rejoinTimers.get(board));
    this.rejoinTimers.delete(board);
    this.joining.set(this.send('client:join_board', { local_board_id: board }), board);
  }

  cancelRejoins() {
    for (const timer of this.rejoinTimers.values()) clearTimeout(timer);
    this.rejoinTimers.clear();
  }

  // A join answered SERVICE_UNAVAILABLE or RATE_LIMITED: tried again after a pause that
  // doubles up to 10 s, while a screen still wants the board. Any other answer ends it.
  joinTurnedAway(frame) {
    const requestId = frame.request_id;
    if (!this.joining.has(requestId)) return false;
    const board = this.joining.get(requestId);
    this.joining.delete(requestId);
    const retryable = frame.event === 'server:error' &&
      (frame.payload.code === 'SERVICE_UNAVAILABLE' || frame.payload.code === 'RATE_LIMITED');
    if (!retryable) {
      this.rejoinPause.delete(board);
      return false;
    }
    const pause = this.rejoinPause.get(board) || 500;
    this.rejoinPause.set(board, Math.min(pause * 2, 10000));
    clearTimeout(this.rejoinTimers.get(board));
    this.rejoinTimers.set(board, setTimeout(() => {
      this.rejoinTimers.delete(board);
      if (this.rooms.has(board) && this.isOpen()) this.sendJoin(board);
    }, pause));
    return true;
  }

  leave(board) {
    const count = this.rooms.get(board) || 0;
    if (count > 1) { this.rooms.set(board, count - 1); return; }
    this.rooms.delete(board);
    this.rejoinPause.delete(board);
    clearTimeout(this.rejoinTimers.get(board));
    this.rejoinTimers.delete(board);
    if (this.isOpen()) this.send('client:leave_board', { local_board_id: board });
  }
}
