namespace LogPipeline.Kafka;

/// <summary>How a requested stop of a <see cref="KafkaSource"/> ended (<see cref="KafkaSource.StopReport"/>), read
/// before the partitions are closed, so it says what was really acknowledged and committed.</summary>
/// <param name="UnacknowledgedRecords">Records received and not acknowledged when the drain ended: their offsets
/// were not committed and they are redelivered.</param>
/// <param name="Committed">The final commit of every partition's acknowledged prefix succeeded.</param>
/// <param name="DrainTime">From the stop request to the end of the drain.</param>
internal readonly record struct KafkaSourceStopReport(long UnacknowledgedRecords, bool Committed, TimeSpan DrainTime)
{
    /// <summary>Every record received was acknowledged before the drain deadline.</summary>
    public bool Drained => UnacknowledgedRecords == 0;

    /// <summary>Drained and committed: nothing will be redelivered.</summary>
    public bool Complete => Drained && Committed;
}
