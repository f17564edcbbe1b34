// Preloaded into every bot process the process runtime starts: if the server dies without stopping
// it (kill -9), the bot is re-parented and exits, instead of running on, unsupervised, beside the
// copy that the restarted server starts.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
