namespace LogPipeline.Elasticsearch;

/// <summary>Kinds of cluster resources the bootstrapper manages, in the order it installs them.</summary>
internal enum ManagedResourceKind
{
    IlmPolicy,
    ComponentTemplate,
    IndexTemplate,
    DataStream,
    WriteIndex,
}
