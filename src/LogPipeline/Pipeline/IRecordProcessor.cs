namespace LogPipeline.Pipeline;

/// <summary>Turns raw records into documents. The source creates one partition processor per assigned
/// partition and feeds it that partition's records in offset order, from one thread at a time.</summary>
internal interface IRecordProcessor
{
    IPartitionProcessor CreatePartitionProcessor(string topic, int partition);
}

/// <summary>Processes the records of one partition. Holds per-partition state (trace linking); disposed
/// when the partition is revoked or lost, which drops that state.</summary>
internal interface IPartitionProcessor : IDisposable
{
    /// <summary>Parses and enriches <see cref="PipelineRecord.Value"/> into <see cref="PipelineRecord.Document"/>.
    /// Never throws: a record that cannot be processed is rejected with a reason.</summary>
    ProcessResult Process(PipelineRecord record);
}
