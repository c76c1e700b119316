using System.Text.Json.Nodes;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary><c>_security/user/_has_privileges</c>: answers every asked privilege as granted unless
/// <see cref="ElasticsearchFaults.DeniedPrivileges"/> names it, in Elasticsearch's response shape
/// (<c>username</c>, <c>has_all_requested</c>, <c>cluster</c>, <c>index</c> by name, <c>application</c>).</summary>
internal sealed partial class ElasticsearchTestServer
{
    private byte[] HasPrivileges(byte[] body)
    {
        JsonNode? request;
        try
        {
            request = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new EsErrorException(400, "parse_exception", "request body is not valid JSON: " + e.Message);
        }

        var denied = Faults.DeniedPrivileges;
        var all = true;
        bool Granted(string privilege)
        {
            var granted = !denied.Contains(privilege);
            all &= granted;
            return granted;
        }

        return Json(w =>
        {
            w.WriteString("username", "logpipeline-test");
            var cluster = request?["cluster"] as JsonArray ?? [];
            var index = request?["index"] as JsonArray ?? [];
            w.WriteStartObject("cluster");
            foreach (var privilege in cluster)
            {
                w.WriteBoolean(privilege!.GetValue<string>(), Granted(privilege.GetValue<string>()));
            }

            w.WriteEndObject();
            w.WriteStartObject("index");
            foreach (var entry in index)
            {
                foreach (var name in entry?["names"] as JsonArray ?? [])
                {
                    w.WriteStartObject(name!.GetValue<string>());
                    foreach (var privilege in entry?["privileges"] as JsonArray ?? [])
                    {
                        w.WriteBoolean(privilege!.GetValue<string>(), Granted(privilege.GetValue<string>()));
                    }

                    w.WriteEndObject();
                }
            }

            w.WriteEndObject();
            w.WriteStartObject("application");
            w.WriteEndObject();
            w.WriteBoolean("has_all_requested", all);
        });
    }
}
