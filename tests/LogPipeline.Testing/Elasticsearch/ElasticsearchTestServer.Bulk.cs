using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LogPipeline.Testing.Elasticsearch;

/// <summary>The <c>_bulk</c> API: the whole body is parsed first (a malformed action line or a body not ending in
/// a newline fails the request with 400 and nothing is applied), then every item is executed on its own.</summary>
internal sealed partial class ElasticsearchTestServer
{
    private static readonly HashSet<string> ActionParameters =
    [
        "_index", "_id", "routing", "pipeline", "require_alias", "require_data_stream", "if_seq_no", "if_primary_term",
        "version", "version_type", "dynamic_templates", "list_executed_pipelines", "op_type", "_source", "retry_on_conflict",
    ];

    // The URL parameters Elasticsearch documents for _bulk, and the common ones; any other is refused with 400, as
    // Elasticsearch refuses it.
    private static readonly HashSet<string> BulkParameters =
    [
        "pipeline", "refresh", "routing", "_source", "_source_excludes", "_source_includes", "timeout", "wait_for_active_shards",
        "require_alias", "require_data_stream", "list_executed_pipelines", "include_source_on_error",
        "filter_path", "pretty", "human", "error_trace",
    ];

    private static readonly byte[] DroppedSource = "{}"u8.ToArray();

    private readonly record struct BulkAction(string Op, string Index, string? Id, int SourceStart, int SourceLength);

    private readonly record struct WriteTarget(TestIndex? Index, bool DataStream, int Status, string? ErrorType, string? Reason);

    /// <summary>Answers one <c>_bulk</c> request into <paramref name="output"/>, through <paramref name="filter"/>
    /// (<c>filter_path</c>) when there is one; returns the HTTP status.</summary>
    private int Bulk(string? urlTarget, ReadOnlyMemory<byte> body, IBufferWriter<byte> output, ResponseFilter? filter)
    {
        Interlocked.Increment(ref _bulkRequests);
        var faults = Faults;
        if (faults.TakeBulkFailure())
        {
            var status = faults.RequestFailureStatus;
            throw new EsErrorException(status, status == 429 ? "es_rejected_execution_exception" : "unavailable_shards_exception",
                $"injected failure: the bulk request was refused with {status}");
        }

        if (faults.RefuseBulkBodiesContaining is { } marker && body.Span.IndexOf(System.Text.Encoding.UTF8.GetBytes(marker)) >= 0)
        {
            throw new EsErrorException(400, "x_content_parse_exception", $"[1:1] injected: cannot parse a body containing [{marker}]");
        }

        var started = Stopwatch.GetTimestamp();
        var actions = ParseBulk(urlTarget, body.Span);
        var errors = false;
        using (var json = new Utf8JsonWriter(output))
        {
            var w = new FilteredJsonWriter(json, filter);
            w.WriteStartObject();
            w.WriteStartArray("items");
            var targets = new Dictionary<string, WriteTarget>(StringComparer.Ordinal);
            foreach (var action in actions)
            {
                if (!targets.TryGetValue(action.Index, out var target))
                {
                    lock (_lock)
                    {
                        target = ResolveWrite(action.Index);
                    }

                    targets[action.Index] = target;
                }

                errors |= !Execute(w, action, target, body.Slice(action.SourceStart, action.SourceLength));
            }

            w.WriteEndArray();
            w.WriteNumber("took", (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            w.WriteBoolean("errors", errors);
            w.WriteEndObject();
        }

        Interlocked.Add(ref _bulkHandlerTicks, Stopwatch.GetElapsedTime(started).Ticks);
        return 200;
    }

    private static void RefuseUnknownParameters(HttpRequest request, HashSet<string> known)
    {
        foreach (var key in request.Query.Keys)
        {
            if (!known.Contains(key))
            {
                throw new EsErrorException(400, "illegal_argument_exception",
                    $"request [{request.Path}] contains unrecognized parameter: [{key}]");
            }
        }
    }

    private static List<BulkAction> ParseBulk(string? urlTarget, ReadOnlySpan<byte> body)
    {
        if (body.Length == 0)
        {
            throw new EsErrorException(400, "action_request_validation_exception", "Validation Failed: 1: no requests added;");
        }

        if (body[^1] != (byte)'\n')
        {
            throw new EsErrorException(400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]");
        }

        var actions = new List<BulkAction>();
        var span = body;
        var pos = 0;
        var line = 0;
        string? lastIndex = null;
        while (pos < span.Length)
        {
            var end = span[pos..].IndexOf((byte)'\n') + pos;
            line++;
            if (end == pos)
            {
                pos++;
                continue;
            }

            var (op, index, id) = ParseAction(span[pos..end], line, ref lastIndex);
            index ??= urlTarget ?? throw new EsErrorException(400, "action_request_validation_exception", $"Validation Failed: 1: index is missing for action on line [{line}];");
            pos = end + 1;
            if (op == "delete")
            {
                actions.Add(new BulkAction(op, index, id, 0, 0));
                continue;
            }

            if (pos >= span.Length)
            {
                throw new EsErrorException(400, "illegal_argument_exception", $"The bulk request must be terminated by a newline [\\n]; action on line [{line}] has no source");
            }

            var sourceEnd = span[pos..].IndexOf((byte)'\n') + pos;
            line++;
            actions.Add(new BulkAction(op, index, id, pos, sourceEnd - pos));
            pos = sourceEnd + 1;
        }

        if (actions.Count == 0)
        {
            throw new EsErrorException(400, "action_request_validation_exception", "Validation Failed: 1: no requests added;");
        }

        return actions;
    }

    private static (string Op, string? Index, string? Id) ParseAction(ReadOnlySpan<byte> json, int line, ref string? lastIndex)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed(line, $"expected START_OBJECT but found [{reader.TokenType}]");
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
            {
                throw Malformed(line, $"expected FIELD_NAME but found [{reader.TokenType}]");
            }

            // Known names are compared in place: a bulk body has one action line per document.
            var op = reader.ValueTextEquals("create"u8) ? "create" : reader.ValueTextEquals("index"u8) ? "index"
                : reader.ValueTextEquals("delete"u8) ? "delete" : reader.ValueTextEquals("update"u8) ? "update" : null;
            if (op is null)
            {
                throw Malformed(line, $"expected field [create], [delete], [index] or [update] but found [{reader.GetString()}]");
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Malformed(line, $"expected START_OBJECT but found [{reader.TokenType}]");
            }

            string? index = null, id = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("_id"u8))
                {
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : throw Malformed(line, "[_id] must be a string");
                    continue;
                }

                if (reader.ValueTextEquals("_index"u8))
                {
                    reader.Read();
                    index = lastIndex is not null && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(lastIndex)
                        ? lastIndex
                        : lastIndex = reader.GetString();
                    continue;
                }

                var name = reader.GetString()!;
                if (!ActionParameters.Contains(name))
                {
                    throw new EsErrorException(400, "illegal_argument_exception", $"Action/metadata line [{line}] contains an unknown parameter [{name}]");
                }

                reader.Read();
                reader.Skip();
            }

            if (reader.TokenType != JsonTokenType.EndObject || !reader.Read() || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw Malformed(line, "expected END_OBJECT after the action");
            }

            return (op, index, id);
        }
        catch (JsonException e)
        {
            throw new EsErrorException(400, "x_content_parse_exception", $"[{line}:{e.BytePositionInLine}] Unexpected character in action/metadata line: {e.Message}");
        }
    }

    private static EsErrorException Malformed(int line, string what) =>
        new(400, "illegal_argument_exception", $"Malformed action/metadata line [{line}], {what}");

    /// <summary>Where writes to <paramref name="name"/> go; auto-creates like Elasticsearch. Call under the lock.</summary>
    private WriteTarget ResolveWrite(string name)
    {
        if (_aliases.TryGetValue(name, out var members))
        {
            var writers = members.Where(m => m.Value).Select(m => m.Key).ToList();
            var write = writers.Count == 1 ? writers[0] : members.Count == 1 ? members.Keys.First() : null;
            return write is null
                ? new WriteTarget(null, false, 400, "illegal_argument_exception", $"no write index is defined for alias [{name}]. The write index may be explicitly disabled using is_write_index=false or the alias points to multiple indices without one being designated as a write index")
                : new WriteTarget(_indices[write], false, 0, null, null);
        }

        if (_dataStreams.TryGetValue(name, out var stream))
        {
            return new WriteTarget(stream.WriteIndex, true, 0, null, null);
        }

        if (_indices.TryGetValue(name, out var index))
        {
            return new WriteTarget(index, false, 0, null, null);
        }

        try
        {
            ValidateIndexName(name);
            if (MatchTemplate(name) is { } t && t.Body["data_stream"] is not null)
            {
                return new WriteTarget(CreateDataStream(name).WriteIndex, true, 0, null, null);
            }

            var created = new TestIndex(name, null, null, InitialIndexCapacity);
            _indices[name] = created;
            return new WriteTarget(created, false, 0, null, null);
        }
        catch (EsErrorException e)
        {
            return new WriteTarget(null, false, e.Status, e.Type, e.Reason);
        }
    }

    /// <summary>Runs one item and writes its result; false when the item failed.</summary>
    private bool Execute(FilteredJsonWriter w, BulkAction action, WriteTarget target, ReadOnlyMemory<byte> source)
    {
        var indexName = target.Index?.Name ?? action.Index;
        var id = action.Id ?? Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('/', '_').Replace('+', '-');
        if (target.Index is not { } index)
        {
            return Item(w, action.Op, indexName, id, target.Status, target.ErrorType, target.Reason);
        }

        if (action.Op == "delete")
        {
            var removed = index.Documents.TryRemove(id, out var old);
            WriteItemStart(w, action.Op, indexName, id);
            w.WriteNumber("_version", (removed ? old.Version : 0) + 1);
            w.WriteString("result", removed ? "deleted" : "not_found");
            WriteShards(w, index);
            w.WriteNumber("status", removed ? 200 : 404);
            w.WriteEndObject();
            w.WriteEndObject();
            return true;
        }

        if (action.Op == "update")
        {
            return Item(w, action.Op, indexName, id, 400, "illegal_argument_exception", "the test server does not support update");
        }

        if (target.DataStream && action.Op != "create")
        {
            return Item(w, action.Op, indexName, id, 400, "illegal_argument_exception", "only write ops with an op_type of create are allowed in data streams");
        }

        if (Faults.NextItemRejected())
        {
            Interlocked.Increment(ref _injectedItemRejections);
            var status = Faults.ItemRejectionStatus;
            if (Faults.ItemRejectionType is { } type)
            {
                return Item(w, action.Op, indexName, id, status, type, $"injected {type}");
            }

            return status == 429
                ? Item(w, action.Op, indexName, id, 429, "es_rejected_execution_exception",
                    "rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1, max_coordinating_and_primary_bytes=0] (injected)")
                : Item(w, action.Op, indexName, id, status, "unavailable_shards_exception",
                    $"[{indexName}][0] primary shard is not active Timeout: [1m] (injected {status})");
        }

        if (ValidateSource(source.Span, target.DataStream, out var parseCause) is { } parseError)
        {
            return Item(w, action.Op, indexName, id, 400, "document_parsing_exception", parseError, parseCause);
        }

        if (CheckMappings(index, id, source.Span) is { } mappingReason)
        {
            return Item(w, action.Op, indexName, id, 400, "document_parsing_exception", mappingReason);
        }

        if (Faults.MappingErrorFor is { } mappingError && mappingError(new BulkItemInfo(indexName, id, source)))
        {
            return Item(w, action.Op, indexName, id, 400, "document_parsing_exception",
                $"[1:2] failed to parse field [latency_ms] of type [long] in document with id '{id}'. Preview of field's value: 'not-a-number'",
                ("illegal_argument_exception", "For input string: \"not-a-number\""));
        }

        if (Faults.ItemErrorFor?.Invoke(new BulkItemInfo(indexName, id, source)) is { } itemError)
        {
            return Item(w, action.Op, indexName, id, itemError.Status, itemError.Type, itemError.Reason);
        }

        var bytes = KeepSources ? source.ToArray() : DroppedSource;
        StoredDocument written;
        if (action.Op == "create")
        {
            written = new StoredDocument(bytes, 1, index.NextSeqNo());
            if (!index.Documents.TryAdd(id, written, out var existing))
            {
                return Item(w, action.Op, indexName, id, 409, "version_conflict_engine_exception",
                    $"[{id}]: version conflict, document already exists (current version [{existing.Version}])");
            }
        }
        else
        {
            written = index.Documents.AddOrUpdate(id, old => new StoredDocument(bytes, (old?.Version ?? 0) + 1, index.NextSeqNo()));
        }

        var created = written.Version == 1;
        WriteItemStart(w, action.Op, indexName, id);
        w.WriteNumber("_version", written.Version);
        w.WriteString("result", created ? "created" : "updated");
        WriteShards(w, index);
        w.WriteNumber("_seq_no", written.SeqNo);
        w.WriteNumber("_primary_term", 1);
        w.WriteNumber("status", created ? 201 : 200);
        w.WriteEndObject();
        w.WriteEndObject();
        return true;
    }

    /// <summary>A parse error for the source, or null: it must be one JSON object (and have <c>@timestamp</c>
    /// when it goes to a data stream).</summary>
    private static string? ValidateSource(ReadOnlySpan<byte> source, bool dataStream, out (string Type, string Reason)? causedBy)
    {
        causedBy = null;
        try
        {
            var reader = new Utf8JsonReader(source);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "[1:1] failed to parse: the document must be a JSON object";
            }

            // Elasticsearch parses with Jackson's strict duplicate detection (on since 6.0): a name twice in one object,
            // compared decoded, fails the document.
            var names = new Stack<HashSet<string>>();
            names.Push(new HashSet<string>(StringComparer.Ordinal));
            var hasTimestamp = false;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        names.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        names.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (!names.Peek().Add(name))
                        {
                            var column = reader.BytesConsumed;
                            causedBy = ("json_parse_exception", $"Duplicate field '{name}'\n at [Source: (byte[]); line: 1, column: {column}]");
                            return $"[1:{column}] failed to parse: Duplicate field '{name}'";
                        }

                        hasTimestamp |= reader.CurrentDepth == 1 && name == "@timestamp";
                        break;
                }
            }

            if (reader.BytesConsumed != source.Length && source[(int)reader.BytesConsumed..].Trim(" \t\r"u8).Length > 0)
            {
                return $"[1:{reader.BytesConsumed}] failed to parse: unexpected content after the document";
            }

            return dataStream && !hasTimestamp ? "[1:1] failed to parse: data stream timestamp field [@timestamp] is missing" : null;
        }
        catch (JsonException e)
        {
            return $"[1:{e.BytePositionInLine}] failed to parse: {e.Message}";
        }
    }

    private static bool Item(FilteredJsonWriter w, string op, string index, string id, int status, string? type, string? reason, (string Type, string Reason)? causedBy = null)
    {
        WriteItemStart(w, op, index, id);
        w.WriteNumber("status", status);
        w.WriteStartObject("error");
        w.WriteString("type", type);
        w.WriteString("reason", reason);
        w.WriteString("index", index);
        w.WriteString("shard", "0");
        if (causedBy is { } cause)
        {
            w.WriteStartObject("caused_by");
            w.WriteString("type", cause.Type);
            w.WriteString("reason", cause.Reason);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        return false;
    }

    private static void WriteItemStart(FilteredJsonWriter w, string op, string index, string id)
    {
        w.WriteStartObject();
        w.WriteStartObject(op);
        w.WriteString("_index", index);
        w.WriteString("_id", id);
    }

    private static void WriteShards(FilteredJsonWriter w, TestIndex index)
    {
        w.WriteStartObject("_shards");
        w.WriteNumber("total", 2);
        w.WriteNumber("successful", 1);
        w.WriteNumber("failed", 0);
        w.WriteEndObject();
    }
}
