// A stand-in worker for test/unit/hand-over.test.ts: takes a connection handed over by its parent, says
// "ready" on it, then stays busy for a moment (as a worker does under load) before reading, and reports to
// the parent what the client sent.
const BUSY_MS = Number(process.env.HAND_OVER_BUSY_MS ?? 150);
process.on('message', (message, socket) => {
  if (!socket) return;
  socket.on('data', (data) => process.send({ got: data.toString('latin1') }));
  socket.write('ready');
  // The client answers now; whoever reads the connection in this window gets the answer.
  const until = Date.now() + BUSY_MS;
  while (Date.now() < until);
});
