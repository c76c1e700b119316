using Enrichers.Files;
using Microsoft.Extensions.Time.Testing;

namespace Enrichers.Tests.Files;

/// <summary>When watched files are checked: on the poll, and once a burst of directory events has been quiet for
/// the debounce time; never two checks at once.</summary>
public sealed class FileChangeMonitorTests
{
    public static readonly TimeSpan Debounce = FileChangeMonitor.DefaultDebounce;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly FakeTimeProvider _time = new();
    private int _checks;

    private FileChangeMonitor Monitor(TimeSpan? interval = null) =>
        // No path: the directory events are raised by the test itself.
        new([], interval ?? Interval, Debounce, _time, () => _checks++);

    [Fact]
    public void The_files_are_checked_on_every_poll()
    {
        using var monitor = Monitor();

        _time.Advance(Interval);
        _time.Advance(Interval);

        Assert.Equal(2, _checks);
    }

    [Fact]
    public void A_burst_of_directory_events_ends_in_one_check_after_the_quiet_time()
    {
        using var monitor = Monitor();

        for (var i = 0; i < 5; i++)
        {
            monitor.OnDirectoryChanged();
            _time.Advance(Debounce / 2);
        }

        Assert.Equal(0, _checks);
        _time.Advance(Debounce / 2);
        Assert.Equal(1, _checks);
        _time.Advance(Debounce * 10);
        Assert.Equal(1, _checks);
    }

    [Fact]
    public void Without_an_interval_nothing_runs_by_itself_but_a_check_can_be_asked_for()
    {
        using var monitor = Monitor(TimeSpan.Zero);

        monitor.OnDirectoryChanged();
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(0, _checks);

        monitor.CheckNow();
        Assert.Equal(1, _checks);
    }

    [Fact]
    public void A_check_asked_for_while_one_runs_runs_once_more_afterwards_on_the_same_thread()
    {
        FileChangeMonitor? monitor = null;
        var threads = new List<int>();
        monitor = new FileChangeMonitor([], TimeSpan.Zero, Debounce, _time, () =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            if (threads.Count == 1)
            {
                // Another request arrives while this check runs (as from the poll during an event's check).
                monitor!.CheckNow();
                monitor.CheckNow();
            }
        });

        monitor.CheckNow();

        Assert.Equal(2, threads.Count);
        Assert.All(threads, t => Assert.Equal(Environment.CurrentManagedThreadId, t));
        monitor.Dispose();
    }

    [Fact]
    public void Nothing_is_checked_after_dispose()
    {
        var monitor = Monitor();
        monitor.Dispose();

        monitor.OnDirectoryChanged();
        monitor.CheckNow();
        _time.Advance(Interval);

        Assert.Equal(0, _checks);
    }

    [Fact]
    public void A_check_asked_for_while_a_directory_event_arms_the_quiet_timer_does_not_wait_for_it()
    {
        // A clock may run due callbacks inside Change, on the caller's thread (FakeTimeProvider does), and those take
        // the monitor's lock: arming the timer under that lock blocked every other check meanwhile, and deadlocked a
        // clock that serializes its timers.
        FileChangeMonitor? monitor = null;
        var checkedMeanwhile = false;
        var time = new ChangeObservingTimeProvider(() =>
            checkedMeanwhile = Task.Run(() => monitor!.CheckNow()).Wait(TimeSpan.FromSeconds(10)));
        monitor = new FileChangeMonitor([], Interval, Debounce, time, () => _checks++);

        monitor.OnDirectoryChanged();

        Assert.True(checkedMeanwhile, "the check waited for the directory event's handler");
        Assert.Equal(1, _checks);
        monitor.Dispose();
    }

    [Fact]
    public void A_directory_that_does_not_exist_is_polled_only()
    {
        using var monitor = new FileChangeMonitor(["/nonexistent-logpipeline-dir/rules.json"], Interval, Debounce, _time, () => _checks++);

        Assert.Empty(monitor.WatchedDirectories);
        _time.Advance(Interval);
        Assert.Equal(1, _checks);
    }

    /// <summary>A clock whose timers never fire and run <c>onChange</c> inside each <see cref="ITimer.Change"/>, where a
    /// real clock could run a due callback.</summary>
    private sealed class ChangeObservingTimeProvider(Action onChange) : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new Timer(onChange);

        private sealed class Timer(Action onChange) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                onChange();
                return true;
            }

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
