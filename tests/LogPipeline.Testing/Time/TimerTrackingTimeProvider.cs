using Microsoft.Extensions.Time.Testing;

namespace LogPipeline.Testing.Time;

/// <summary>A <see cref="FakeTimeProvider"/> that shows which of its one-shot timers are armed (a <c>Task.Delay</c> on
/// the clock is one), so a test moves the clock to exactly what the code waits for, once it waits, instead of in steps
/// with pauses of real time between them whose outcome depends on how fast the machine is.</summary>
internal sealed class TimerTrackingTimeProvider : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly HashSet<TrackedTimer> _armed = [];

    /// <summary>The one-shot timers armed now: set to a finite due time with no period, and since then neither fired,
    /// disarmed nor disposed.</summary>
    public IReadOnlyList<TrackedTimer> ArmedOnce
    {
        get
        {
            lock (_lock)
            {
                return [.. _armed];
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this);
        tracked.Arm(dueTime, period);
        tracked.Inner = base.CreateTimer(s =>
        {
            tracked.OnFired();
            callback(s);
        }, state, dueTime, period);
        return tracked;
    }

    /// <summary>A timer of the clock, as the code under test armed it.</summary>
    internal sealed class TrackedTimer(TimerTrackingTimeProvider clock) : ITimer
    {
        private volatile bool _fired;
        private long _armedAt;

        /// <summary>The due time it was last armed with.</summary>
        public TimeSpan DueTime { get; private set; }

        /// <summary>How much the clock must still move for it to fall due.</summary>
        public TimeSpan Remaining
        {
            get
            {
                lock (clock._lock)
                {
                    return DueTime - clock.GetElapsedTime(_armedAt);
                }
            }
        }

        /// <summary>Whether its callback has started since it was last armed.</summary>
        public bool Fired => _fired;

        internal ITimer Inner { private get; set; } = null!;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            Disarm();
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Disarm();
            return Inner.DisposeAsync();
        }

        internal void Arm(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._lock)
            {
                DueTime = dueTime;
                // A timestamp, not GetUtcNow: the base class's GetUtcNow may run due callbacks, here under this lock.
                _armedAt = clock.GetTimestamp();
                _fired = false;
                if (dueTime != Timeout.InfiniteTimeSpan && period == Timeout.InfiniteTimeSpan)
                {
                    clock._armed.Add(this);
                }
                else
                {
                    clock._armed.Remove(this);
                }
            }
        }

        internal void OnFired()
        {
            lock (clock._lock)
            {
                _fired = true;
                clock._armed.Remove(this);
            }
        }

        private void Disarm()
        {
            lock (clock._lock)
            {
                clock._armed.Remove(this);
            }
        }
    }
}
