using Microsoft.Extensions.Time.Testing;

namespace LogPipeline.Testing.Time;

/// <summary>A <see cref="FakeTimeProvider"/> whose <see cref="Advance"/> returns only after every timer callback it
/// made due has run, for code whose timers are also armed from other threads (a file watcher's events).
/// <para><see cref="FakeTimeProvider"/> runs due callbacks on whichever thread touches it first (advancing, reading
/// the time, arming a timer), and a second thread that touches it meanwhile returns at once. So when a watcher's
/// thread arms a timer just as the test advances, that thread may run the callbacks the test made due, and
/// <c>Advance</c> returns before they finished: the test asserts on a reload still in progress. Here every use of
/// the clock takes one lock, so the callbacks run inside the <c>Advance</c> that made them due, on the test's
/// thread.</para>
/// <para>A callback runs holding that lock: it may use the clock itself (the lock is re-entrant) but must not wait
/// for another thread that uses it, and code under test must not hold a lock of its own while arming a timer if a
/// callback takes that lock.</para></summary>
internal sealed class LockStepTimeProvider : TimeProvider
{
    private readonly FakeTimeProvider _clock;
    private readonly Lock _gate = new();

    public LockStepTimeProvider()
        : this(new FakeTimeProvider())
    {
    }

    public LockStepTimeProvider(DateTimeOffset start)
        : this(new FakeTimeProvider(start))
    {
    }

    private LockStepTimeProvider(FakeTimeProvider clock) => _clock = clock;

    /// <summary>The time the clock started at.</summary>
    public DateTimeOffset Start => _clock.Start;

    public override TimeZoneInfo LocalTimeZone => _clock.LocalTimeZone;

    public override long TimestampFrequency => _clock.TimestampFrequency;

    /// <summary>Moves the clock on and runs, on this thread, every timer callback that falls due.</summary>
    public void Advance(TimeSpan delta)
    {
        lock (_gate)
        {
            _clock.Advance(delta);
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _clock.GetUtcNow();
        }
    }

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _clock.GetTimestamp();
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            return new Timer(_gate, _clock.CreateTimer(callback, state, dueTime, period));
        }
    }

    private sealed class Timer(Lock gate, ITimer timer) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (gate)
            {
                return timer.Change(dueTime, period);
            }
        }

        public void Dispose()
        {
            lock (gate)
            {
                timer.Dispose();
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
