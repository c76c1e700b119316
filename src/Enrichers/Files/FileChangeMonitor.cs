namespace Enrichers.Files;

/// <summary>Decides when files that are replaced while the worker runs are checked: every
/// <c>interval</c> (polling), and shortly after anything changes in a directory that holds one of them. The check
/// itself (<c>check</c>) compares identities and loads what changed; it runs on one thread at a time, and a
/// request that arrives while it runs makes it run once more, so no change is missed and checks never pile up.
/// <para>The directory is watched, not the file: Kubernetes updates a mounted ConfigMap or Secret by writing a new
/// timestamped directory and renaming a <c>..data</c> link over the old one, so the file's own path sees no event.
/// One update is several events (new directory, new link, rename, removal of the old directory), and an editor or
/// <c>cp</c> writing a file in place sends one per write, so a check runs only when the directory has been quiet
/// for <c>debounce</c>. Polling stays on because some volumes (NFS, some CSI drivers, overlay mounts) send no
/// events and a burst can overflow the event queue; when the watcher cannot be created at all, polling alone
/// remains.</para>
/// <para>Timers come from the given <see cref="TimeProvider"/>, so tests drive both paths with a fake clock.</para></summary>
internal sealed class FileChangeMonitor : IDisposable
{
    /// <summary>Quiet time after the last directory event before the check runs: a ConfigMap swap or a file copy
    /// takes milliseconds; a second is far longer and still feels immediate to an operator.</summary>
    public static readonly TimeSpan DefaultDebounce = TimeSpan.FromSeconds(1);

    private readonly Action _check;
    private readonly TimeSpan _debounce;
    // Guards the check's state (_running, _again, _disposed). Never held while calling the timers: see OnDirectoryChanged.
    private readonly Lock _lock = new();

    // Serializes arming the quiet timer with disposing it, now that arming is not under _lock: ITimer promises nothing
    // for a Change racing its Dispose (Timer.Change is documented to throw once disposed), and watchers of several
    // directories raise events on several threads.
    private readonly Lock _timerLock = new();

    private readonly ITimer? _poll;
    private readonly ITimer? _quiet;
    private readonly List<FileSystemWatcher> _watchers = [];
    private bool _running;
    private bool _again;
    private bool _disposed;

    /// <param name="paths">The watched files; their directories are watched.</param>
    /// <param name="interval">Polling interval; <see cref="TimeSpan.Zero"/> turns both polling and watching off
    /// (<see cref="CheckNow"/> still works).</param>
    /// <param name="check">Compares and reloads; must not throw.</param>
    public FileChangeMonitor(IEnumerable<string> paths, TimeSpan interval, TimeSpan debounce, TimeProvider time, Action check)
    {
        _check = check;
        _debounce = debounce;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        _poll = time.CreateTimer(static s => ((FileChangeMonitor)s!).CheckNow(), this, interval, interval);
        _quiet = time.CreateTimer(static s => ((FileChangeMonitor)s!).CheckNow(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        foreach (var directory in paths.Select(p => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(p))).OfType<string>()
                     .Distinct(StringComparer.Ordinal))
        {
            TryWatch(directory);
        }
    }

    /// <summary>The directories whose events trigger a check (those whose watcher could be started).</summary>
    public IReadOnlyList<string> WatchedDirectories => _watchers.Select(w => w.Path).ToList();

    /// <summary>Runs the check now on this thread, or, when it is running on another, makes it run once more.</summary>
    public void CheckNow()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_running)
            {
                _again = true;
                return;
            }

            _running = true;
        }

        while (true)
        {
            _check();
            lock (_lock)
            {
                if (!_again || _disposed)
                {
                    _running = false;
                    return;
                }

                _again = false;
            }
        }
    }

    /// <summary>Something changed in a watched directory: check once it has been quiet for the debounce time.
    /// Internal so tests can raise it without a file system event.</summary>
    internal void OnDirectoryChanged()
    {
        // Not under _lock: a TimeProvider may run due callbacks inside Change, on this thread (FakeTimeProvider does),
        // and those are CheckNow, which takes _lock. Held here, _lock would make every other check request wait out
        // that whole check instead of asking for one more, and a clock that runs its callbacks under a lock of its own
        // would deadlock: this thread holding _lock and waiting for the clock's lock, a callback the other way round.
        lock (_timerLock)
        {
            if (!Volatile.Read(ref _disposed))
            {
                // Each event moves the check further out: a burst ends in one check.
                _quiet?.Change(_debounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _poll?.Dispose();
        lock (_timerLock)
        {
            // An event handled after this sees _disposed (set above) and leaves the timer alone.
            _quiet?.Dispose();
        }
    }

    private void TryWatch(string directory)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            FileSystemEventHandler changed = (_, _) => OnDirectoryChanged();
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Deleted += changed;
            watcher.Renamed += (_, _) => OnDirectoryChanged();
            // A lost event (queue overflow) may have been the one that mattered.
            watcher.Error += (_, _) => OnDirectoryChanged();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // No such directory yet, no permission, or no inotify instance left: polling still finds the change.
            watcher?.Dispose();
        }
    }
}
