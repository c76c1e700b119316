using System.Collections.Concurrent;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>Privileges the credentials lack, as <c>_security/user/_has_privileges</c> reports them.</summary>
internal sealed partial class ElasticsearchFaults
{
    private readonly ConcurrentDictionary<string, bool> _denied = new(StringComparer.Ordinal);

    /// <summary>Privileges (cluster or index, e.g. <c>create_doc</c>, <c>manage_ilm</c>) answered as not granted.</summary>
    public IReadOnlyCollection<string> DeniedPrivileges => [.. _denied.Keys];

    /// <summary>Answers <paramref name="privilege"/> as not granted from now on.</summary>
    public void DenyPrivilege(string privilege) => _denied[privilege] = true;
}
