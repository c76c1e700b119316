using System.Collections.Concurrent;
using Confluent.Kafka;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Kafka;

/// <summary>Finds where an assigned partition that has received no record yet starts and ends, so consumer lag
/// is known for every partition from its assignment on: idle partitions, partitions still waiting for their
/// first fetch, and partitions paused before they got anything. The consumer's own state cannot tell: its
/// position and cached watermarks appear only with fetched records.
/// <para>The group's committed offset (one OffsetFetch to the coordinator per assignment) and the watermarks
/// (a ListOffsets per partition, refreshed every <see cref="Interval"/> while nothing arrives) are asked for on
/// this probe's own task, never on the consume thread, whose polls must not wait on the network. Results are
/// kept per <see cref="AssignedPartition"/> instance, so a partition assigned again starts afresh; the consume
/// thread turns them into gauges, so a series it removed on revoke is never written again from here.</para></summary>
internal sealed class PartitionLagProbe
{
    /// <summary>How often watermarks of partitions without records are asked for again.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    // Short, so that stopping (before the consumer is closed) never waits long for a call in flight.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(2);

    private readonly IConsumer<byte[]?, RecordBuffer> _consumer;
    private readonly Func<ICollection<AssignedPartition>> _assigned;
    private readonly AutoOffsetReset _reset;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<AssignedPartition, Probe> _probes = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public PartitionLagProbe(IConsumer<byte[]?, RecordBuffer> consumer, Func<ICollection<AssignedPartition>> assigned,
        AutoOffsetReset? reset, ILogger logger)
    {
        _consumer = consumer;
        _assigned = assigned;
        _reset = reset ?? AutoOffsetReset.Earliest;
        _logger = logger;
    }

    public void Start() => _loop = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Asks for the new partitions at once (called after an assignment).</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <summary>Stops asking; waits for a call in flight, so the consumer can be closed afterwards. False when
    /// that call outlasted <paramref name="timeout"/> (the consumer must then not be disposed).</summary>
    public bool Stop(TimeSpan timeout)
    {
        _stop.Cancel();
        try
        {
            return _loop.Wait(timeout);
        }
        catch (AggregateException)
        {
            return true;
        }
    }

    /// <summary>High watermark minus where this worker stands in <paramref name="p"/> (its acknowledged position,
    /// or before its first record <see cref="LagBeforeFirstRecord"/>); null when not known. Reads the consumer's
    /// cached watermarks only: no request.</summary>
    public long? Lag(AssignedPartition p)
    {
        try
        {
            var high = _consumer.GetWatermarkOffsets(p.TopicPartition).High;
            if (p.Tracker.Position is not long position)
            {
                return LagBeforeFirstRecord(p, high);
            }

            return high.IsSpecial ? null : Math.Max(0, high.Value - position);
        }
        catch (Exception e) when (e is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Lag of a partition that has received nothing yet: from the committed offset (or where
    /// <c>auto.offset.reset</c> starts without one) to the high watermark. <paramref name="cachedHigh"/> is the
    /// consumer's cached high watermark, fresher than the probe's once fetches run. Null until the probe knows.</summary>
    public long? LagBeforeFirstRecord(AssignedPartition partition, Offset cachedHigh)
    {
        if (!_probes.TryGetValue(partition, out var probe) || probe.Committed is not long committed || probe.Low is not long low
            || probe.High is not long probedHigh)
        {
            return null;
        }

        var high = cachedHigh.IsSpecial ? probedHigh : cachedHigh.Value;
        long start;
        if (committed >= 0)
        {
            // Records below the low watermark were deleted by retention; the consumer resets past them.
            start = Math.Max(committed, low);
        }
        else if (_reset == AutoOffsetReset.Latest)
        {
            start = high;
        }
        else
        {
            start = low;
        }

        return Math.Max(0, high - start);
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                ProbeOnce();
            }
            catch (Exception e) when (e is KafkaException or ObjectDisposedException or InvalidOperationException)
            {
                // The next round asks again; lag of these partitions stays unknown until then.
                _logger.LogDebug("Consumer lag probe failed: {Reason}", e.Message);
            }

            try
            {
                await _wake.WaitAsync(Interval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void ProbeOnce()
    {
        var current = _assigned();
        foreach (var gone in _probes.Keys.Where(p => p.IsClosed).ToList())
        {
            _probes.TryRemove(gone, out _);
        }

        var waiting = current.Where(p => !p.IsClosed && p.Tracker.Position is null).ToList();
        var unknownStart = waiting.Where(p => !_probes.TryGetValue(p, out var known) || known.Committed is null).ToList();
        if (unknownStart.Count > 0)
        {
            foreach (var (partition, offset) in Committed(unknownStart))
            {
                if (unknownStart.Find(p => p.TopicPartition == partition) is { } p)
                {
                    // Unset (-1001) means the group committed nothing for it yet.
                    _probes.GetOrAdd(p, _ => new Probe()).Committed = offset.IsSpecial ? -1 : offset.Value;
                }
            }
        }

        foreach (var p in waiting)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            WatermarkOffsets watermarks;
            try
            {
                watermarks = _consumer.QueryWatermarkOffsets(p.TopicPartition, RequestTimeout);
            }
            catch (KafkaException e)
            {
                // One leader down must not leave the other partitions unknown.
                _logger.LogDebug("Consumer lag probe could not read the watermarks of {Partition}: {Reason}", p.TopicPartition, e.Error.Reason);
                continue;
            }

            if (!watermarks.Low.IsSpecial && !watermarks.High.IsSpecial)
            {
                var probe = _probes.GetOrAdd(p, _ => new Probe());
                probe.Low = watermarks.Low.Value;
                probe.High = watermarks.High.Value;
            }
        }
    }

    private IEnumerable<(TopicPartition Partition, Offset Offset)> Committed(List<AssignedPartition> list)
    {
        try
        {
            return _consumer.Committed(list.Select(p => p.TopicPartition), RequestTimeout).Select(r => (r.TopicPartition, r.Offset));
        }
        catch (TopicPartitionOffsetException e)
        {
            // Some partitions answered, others failed: those are asked again next round.
            return e.Results.Where(r => !r.Error.IsError).Select(r => (r.TopicPartition, r.Offset));
        }
    }

    private sealed class Probe
    {
        private long _committed = long.MinValue;
        private long _low = long.MinValue;
        private long _high = long.MinValue;

        /// <summary>The group's committed offset (-1 for none), or null before it was read.</summary>
        public long? Committed
        {
            get => Read(ref _committed);
            set => Interlocked.Exchange(ref _committed, value ?? long.MinValue);
        }

        public long? Low
        {
            get => Read(ref _low);
            set => Interlocked.Exchange(ref _low, value ?? long.MinValue);
        }

        public long? High
        {
            get => Read(ref _high);
            set => Interlocked.Exchange(ref _high, value ?? long.MinValue);
        }

        private static long? Read(ref long field)
        {
            var value = Interlocked.Read(ref field);
            return value == long.MinValue ? null : value;
        }
    }
}
