import NIOPosix

/// Runs a task's jobs on the one thread that runs an SQLite connection's calls. A batch writer
/// whose task prefers this executor takes turns with its own statements on that thread: each
/// statement otherwise handed the work to the connection's thread and the answer back to Swift's
/// pool, two thread wake-ups per statement, and on a busy node each wake-up also waited for a
/// core (docs/performance.md, issue 13).
final class ConnectionThreadExecutor: TaskExecutor {
    /// A pool of exactly one thread: with more, the jobs and the statements would again pass
    /// between threads.
    private let thread: NIOThreadPool

    init(thread: NIOThreadPool) { self.thread = thread }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        // Once the pool has stopped, `submit` runs the item at once on the caller's thread: the job
        // still runs, so no task is left waiting for ever.
        thread.submit { _ in job.runSynchronously(on: executor) }
    }
}
