using LogPipeline.Diagnostics;

namespace LogPipeline.Tests.Diagnostics;

public sealed class PipelineHealthTests
{
    [Fact]
    public void Not_ready_until_kafka_answered_and_the_sink_bootstrapped()
    {
        var health = new PipelineHealth();
        Assert.False(health.IsReady(out var reason));
        Assert.Equal("starting: connecting to Kafka and bootstrapping the sink", reason);
        Assert.True(health.IsAlive(out _));

        health.MarkBootstrapped();
        Assert.True(health.IsReady(out reason));
        Assert.Equal("ready", reason);
    }

    [Fact]
    public void An_unhealthy_sink_makes_the_worker_unready_but_alive()
    {
        var sinkHealthy = false;
        var health = new PipelineHealth { SinkHealthy = () => sinkHealthy };
        health.MarkBootstrapped();
        Assert.False(health.IsReady(out var reason));
        Assert.Equal("sink not healthy (destination unreachable or failing)", reason);
        Assert.True(health.IsAlive(out _));

        sinkHealthy = true;
        Assert.True(health.IsReady(out _));
    }

    [Fact]
    public void A_consumer_that_is_not_in_the_group_makes_the_worker_unready()
    {
        var health = new PipelineHealth { SourceHealthy = () => false };
        health.MarkBootstrapped();
        Assert.False(health.IsReady(out var reason));
        Assert.Equal("Kafka consumer not healthy", reason);
    }

    [Fact]
    public void Draining_for_shutdown_is_not_ready()
    {
        var health = new PipelineHealth();
        health.MarkBootstrapped();
        health.MarkDraining();
        Assert.False(health.IsReady(out var reason));
        Assert.Equal("draining for shutdown", reason);
    }

    [Fact]
    public void A_fatal_error_fails_liveness_and_readiness_with_the_reason()
    {
        var health = new PipelineHealth();
        health.MarkBootstrapped();
        health.MarkFatal("Kafka: fatal error");
        Assert.False(health.IsAlive(out var alive));
        Assert.Equal("Kafka: fatal error", alive);
        Assert.False(health.IsReady(out var ready));
        Assert.Equal("failed: Kafka: fatal error", ready);
    }
}
