namespace LogPipeline.Elasticsearch;

/// <summary>Kinds of cluster resources the bootstrapper manages, in the order it installs them.</summary>
public enum ManagedResourceKind
{
    IlmPolicy,
    ComponentTemplate,
    IndexTemplate,
    DataStream,
    WriteIndex,
}
