// Preloaded into every node process the kcl test kit starts (node --require).
// Exits this process as soon as the JVM that started it is gone, for any reason including kill -9,
// so no emulator outlives its test run. Two signals, either suffices:
//  - our stdin is a pipe whose write end only that JVM holds: it closes when the JVM dies;
//  - the parent pid stops existing (process.ppid is fixed at start-up, so probe it with signal 0).
// The emulator is a cats-effect app that replaces process.exit with a graceful shutdown, which can
// wait on open connections forever; keep the real exit from before it loads.
'use strict';
const parent = process.ppid;
const realExit = process.exit.bind(process);
const exit = () => realExit(0);
process.stdin.on('end', exit);
process.stdin.on('close', exit);
process.stdin.on('error', exit);
process.stdin.resume();
// The kit stops the emulator with SIGTERM and wants it gone at once, not after a graceful drain.
process.on('SIGTERM', exit);
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch (e) {
    if (e.code === 'ESRCH') exit();
  }
}, 500).unref();
