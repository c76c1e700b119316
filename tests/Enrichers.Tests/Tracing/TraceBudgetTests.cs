using System.Text;
using Enrichers.Json;
using Enrichers.Tracing;
using Microsoft.Extensions.Time.Testing;

namespace Enrichers.Tests.Tracing;

/// <summary>The sessions of one chain (the worker's partitions) share <see cref="TraceLinkingOptions.MaxTraces"/>.</summary>
public sealed class TraceBudgetTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private static void Link(TraceLinkingEnricher enricher, int trace)
    {
        var json = $$"""{"@timestamp":"2026-11-26T12:00:00Z","service_name":"a","trace_id":"{{trace:x32}}"}""";
        enricher.Enrich(LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!);
    }

    private static long Seq(TraceLinkingEnricher enricher, int trace)
    {
        var json = $$"""{"@timestamp":"2026-11-26T12:00:01Z","service_name":"a","trace_id":"{{trace:x32}}"}""";
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;
        enricher.Enrich(record);
        return System.Text.Json.JsonDocument.Parse(record.ToString()).RootElement.GetProperty("trace_seq").GetInt64();
    }

    private TraceLinkingEnricher Session(TraceBudget budget, int max) =>
        new(new TraceLinkingOptions { MaxTraces = max }, new EnrichmentStatistics(), _time, budget);

    [Fact]
    public void Many_sessions_together_remember_no_more_traces_than_the_bound()
    {
        var budget = new TraceBudget(1_000);
        var sessions = Enumerable.Range(0, 48).Select(_ => Session(budget, 1_000)).ToList();
        for (var t = 0; t < 20_000; t++)
        {
            Link(sessions[t % sessions.Count], t);
        }

        Assert.Equal(1_000, budget.Used);
        Assert.Equal(1_000, sessions.Sum(s => s.ActiveTraces));
    }

    [Fact]
    public void A_session_that_needs_room_forgets_its_own_oldest_trace_not_another_sessions()
    {
        var budget = new TraceBudget(10);
        var busy = Session(budget, 10);
        var quiet = Session(budget, 10);
        for (var t = 0; t < 5; t++)
        {
            Link(quiet, 1_000 + t);
        }

        for (var t = 0; t < 50; t++)
        {
            Link(busy, t);
        }

        Assert.Equal(5, quiet.ActiveTraces);
        Assert.Equal(5, busy.ActiveTraces);
        Assert.Equal(2, Seq(quiet, 1_000));
        Assert.Equal(2, Seq(busy, 49));
        Assert.Equal(1, Seq(busy, 0));
    }

    [Fact]
    public void A_session_with_no_traces_may_still_keep_one_when_the_budget_is_spent()
    {
        var budget = new TraceBudget(3);
        var full = Session(budget, 3);
        var empty = Session(budget, 3);
        for (var t = 0; t < 3; t++)
        {
            Link(full, t);
        }

        Link(empty, 100);
        Assert.Equal(2, Seq(empty, 100));
        Assert.Equal(4, budget.Used);

        Link(empty, 101);
        Assert.Equal(1, empty.ActiveTraces);
        Assert.Equal(4, budget.Used);
    }

    [Fact]
    public void Disposing_a_session_gives_its_traces_back_to_the_budget()
    {
        var budget = new TraceBudget(100);
        var session = Session(budget, 100);
        for (var t = 0; t < 40; t++)
        {
            Link(session, t);
        }

        Assert.Equal(40, budget.Used);
        session.Dispose();
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public void Sessions_of_one_chain_share_the_bound()
    {
        using var chain = EnrichmentChain.Create(new EnrichmentOptions { Trace = { MaxTraces = 100 } });
        var sessions = Enumerable.Range(0, 10).Select(_ => chain.CreateSession()).ToList();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        for (var t = 0; t < 1_000; t++)
        {
            output.ResetWrittenCount();
            var json = $$"""{"@timestamp":"2026-11-26T12:00:00Z","trace_id":"{{t:x32}}"}""";
            Assert.True(sessions[t % 10].Enrich(Encoding.UTF8.GetBytes(json), output).Accepted);
        }

        // Every session is still at its first trace count when it sees trace 0..9 again only if they were kept:
        // with 100 shared, each of the 10 sessions keeps its 10 most recent traces and has forgotten the first.
        output.ResetWrittenCount();
        sessions[0].Enrich(Encoding.UTF8.GetBytes("""{"@timestamp":"2026-11-26T12:00:01Z","trace_id":"000000000000000000000000000003de"}"""), output);
        Assert.Contains("\"trace_seq\":2", Encoding.UTF8.GetString(output.WrittenSpan));
        output.ResetWrittenCount();
        sessions[0].Enrich(Encoding.UTF8.GetBytes("""{"@timestamp":"2026-11-26T12:00:01Z","trace_id":"00000000000000000000000000000000"}"""), output);
        Assert.Contains("\"trace_seq\":1", Encoding.UTF8.GetString(output.WrittenSpan));
        sessions.ForEach(s => s.Dispose());
    }
}
