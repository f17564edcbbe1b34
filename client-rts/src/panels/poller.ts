/**
 * Runs `refresh` now and every `everyMs` while the tab is visible (a hidden tab asks the server
 * nothing, and catches up at once when shown). One refresh at a time; `now()` asks for one early.
 */
export function poll(refresh: () => Promise<void>, everyMs: number): { now(): void; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  const schedule = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!stopped && !document.hidden) timer = setTimeout(run, everyMs);
  };
  const run = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await refresh();
    } catch {
      // Each refresh says its own failures on the page; a stray one must not stop the polling.
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      void run();
      return;
    }
    schedule();
  };
  const onVisibility = () => {
    if (document.hidden) {
      clearTimeout(timer);
      timer = undefined;
    } else void run();
  };
  document.addEventListener("visibilitychange", onVisibility);
  void run();
  return {
    now: () => void run(),
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    },
  };
}
