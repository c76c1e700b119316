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
    public void A_directory_that_does_not_exist_is_polled_only()
    {
        using var monitor = new FileChangeMonitor(["/nonexistent-logpipeline-dir/rules.json"], Interval, Debounce, _time, () => _checks++);

        Assert.Empty(monitor.WatchedDirectories);
        _time.Advance(Interval);
        Assert.Equal(1, _checks);
    }
}
