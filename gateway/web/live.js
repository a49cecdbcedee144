// The board WebSocket of API.md §5: one socket for the page, rooms joined by the screens,
// rejoined after a reconnect (each join answers a fresh board_state_sync).
export class LiveBoards {
  constructor(onStatus) {
    this.handlers = new Map();
    this.rooms = new Map();  // board id → how many screens want it
    this.pending = [];
    this.next = 1;
    this.retry = 500;
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
      for (const board of this.rooms.keys()) this.send('client:join_board', { local_board_id: board });
      for (const frame of this.pending.splice(0)) socket.send(frame);
    });
    socket.addEventListener('message', (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      for (const handler of this.handlers.get(frame.event) || []) handler(frame.payload || {}, frame);
      for (const handler of this.handlers.get('*') || []) handler(frame.payload || {}, frame);
    });
    socket.addEventListener('close', () => {
      this.onStatus(false);
      if (this.closed) return;
      this.timer = setTimeout(() => this.start(), this.retry);
      this.retry = Math.min(this.retry * 2, 10000);
    });
  }

  stop() {
    this.closed = true;
    clearTimeout(this.timer);
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
    if (count === 0 && this.isOpen()) this.send('client:join_board', { local_board_id: board });
    return () => this.leave(board);
  }

  leave(board) {
    const count = this.rooms.get(board) || 0;
    if (count > 1) { this.rooms.set(board, count - 1); return; }
    this.rooms.delete(board);
    if (this.isOpen()) this.send('client:leave_board', { local_board_id: board });
  }
}
