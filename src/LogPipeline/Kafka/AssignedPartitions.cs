using System.Collections.Concurrent;
using System.Globalization;
using Confluent.Kafka;
using LogPipeline.Diagnostics;
using LogPipeline.Pipeline;
using Microsoft.Extensions.Logging;

namespace LogPipeline.Kafka;

/// <summary>The partitions assigned to this worker, by topic and partition, and the two ways one leaves: drained
/// (a revoke or shutdown lets its records through and waits for their acknowledgements) and closed (its records
/// are dropped, late acknowledgements ignored, its processor disposed and its gauges removed). Lookups are
/// thread-safe; changes are made on the consume thread.</summary>
internal sealed class AssignedPartitions(IRecordSink sink, InFlightLimiter limiter, PipelineMetrics metrics, ThrottledLog log)
{
    // How often a drain looks at its deadline again (a stop request may have moved it).
    private const long DeadlineCheckInterval = 100;

    private readonly ConcurrentDictionary<(string Topic, int Partition), AssignedPartition> _partitions = new();

    public int Count => _partitions.Count;

    public bool IsEmpty => _partitions.IsEmpty;

    /// <summary>A live view, for the lag probe and gauges.</summary>
    public ICollection<AssignedPartition> Values => _partitions.Values;

    public List<AssignedPartition> ToList() => _partitions.Values.ToList();

    /// <summary>Records received and not yet acknowledged in every assigned partition.</summary>
    public long Pending => _partitions.Values.Sum(p => (long)p.Tracker.Pending);

    public AssignedPartition? Find(string topic, int partition) => _partitions.GetValueOrDefault((topic, partition));

    public bool TryGet(string topic, int partition, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AssignedPartition? assigned) =>
        _partitions.TryGetValue((topic, partition), out assigned);

    /// <summary>Adds a newly assigned partition; an instance left from an earlier assignment is closed first.</summary>
    public void Add(AssignedPartition p)
    {
        if (_partitions.TryRemove((p.Topic, p.Partition), out var stale))
        {
            Close([stale]);
        }

        _partitions[(p.Topic, p.Partition)] = p;
    }

    public List<AssignedPartition> Lookup(IEnumerable<TopicPartition> tps)
    {
        var list = new List<AssignedPartition>();
        foreach (var tp in tps)
        {
            if (_partitions.TryGetValue((tp.Topic, tp.Partition.Value), out var p))
            {
                list.Add(p);
            }
        }

        return list;
    }

    /// <summary>Stops taking records of <paramref name="list"/>, lets their queued records through the processor,
    /// and flushes the sink until they are all acknowledged or the deadline passes (or <paramref name="stop"/> says
    /// the source is failing). <paramref name="deadline"/> is asked again as the drain goes on, so a stop request
    /// that arrives during a revoke's drain can bring that drain's end forward.</summary>
    public bool Drain(List<AssignedPartition> list, Func<long> deadline, Func<bool> stop)
    {
        foreach (var p in list)
        {
            p.Runner.CompleteInput();
        }

        long remaining;
        var runners = list.Select(p => p.Runner.Worker).ToArray();
        while (!runners.All(t => t.IsCompleted) && (remaining = deadline() - Environment.TickCount64) > 0)
        {
            try
            {
                Task.WaitAll(runners, TimeSpan.FromMilliseconds(Math.Min(remaining, DeadlineCheckInterval)));
            }
            catch (AggregateException)
            {
                // The runners catch their own errors; a failure here only ends the wait.
                break;
            }
        }

        while (list.Any(p => p.Tracker.Pending > 0) && (remaining = deadline() - Environment.TickCount64) > 0 && !stop())
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(Math.Min(remaining, DeadlineCheckInterval)));
            try
            {
                sink.FlushAsync(cts.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // The flush outlasted this slice of the deadline: look at the deadline again.
                continue;
            }
            catch (Exception e)
            {
                metrics.ComponentErrors.WithLabels(PipelineMetrics.Stages.Sending, "sink_flush").Inc();
                log.Log("flush", LogLevel.Warning, "Sink flush failed while draining: " + e.Message);
            }

            // Records still queued for the writer, or dead-letter acknowledgements, arrive shortly.
            if (list.Any(p => p.Tracker.Pending > 0))
            {
                Thread.Sleep(10);
            }
        }

        return list.All(p => p.Tracker.Pending == 0);
    }

    /// <summary>Drops <paramref name="list"/>: queued records are discarded, late acknowledgements ignored,
    /// processors disposed (trace state dropped), gauges removed.</summary>
    public void Close(List<AssignedPartition> list)
    {
        foreach (var p in list)
        {
            p.Runner.Stop();
        }

        try
        {
            Task.WaitAll(list.Select(p => p.Runner.Worker).ToArray(), TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        foreach (var p in list)
        {
            p.Runner.DropQueued();
            foreach (var record in p.Tracker.Close())
            {
                limiter.Release(record);
            }

            _partitions.TryRemove(new KeyValuePair<(string, int), AssignedPartition>((p.Topic, p.Partition), p));
            var partitionLabel = p.Partition.ToString(CultureInfo.InvariantCulture);
            metrics.ConsumerLag.RemoveLabelled(p.Topic, partitionLabel);
            metrics.CommittedOffset.RemoveLabelled(p.Topic, partitionLabel);
        }
    }
}
