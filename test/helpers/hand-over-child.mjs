// A stand-in worker for test/unit/hand-over.test.ts: takes a connection handed over by its parent, says
// "ready" on it, and reports to the parent what the client sends next.
process.on('message', (message, socket) => {
  if (!socket) return;
  socket.on('data', (data) => process.send({ got: data.toString('latin1') }));
  socket.write('ready');
});
