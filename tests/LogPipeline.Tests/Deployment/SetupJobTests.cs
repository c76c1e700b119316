using System.CommandLine;
using LogPipeline.Cli;
using YamlDotNet.RepresentationModel;

namespace LogPipeline.Tests.Deployment;

/// <summary>components/setup-job: the Job runs the real setup command with options it knows, on files it mounts.</summary>
public sealed class SetupJobTests
{
    private static YamlNode Container => KubernetesManifests.SetupJob.At("spec.template.spec")!.Items("containers").Single();

    private static List<string> Values(string path) => Container.Items(path).Select(n => ((YamlScalarNode)n).Value!).ToList();

    [Fact]
    public void The_job_runs_the_setup_command_with_options_the_command_accepts()
    {
        var root = new RootCommand { SetupCommand.Create() };

        var result = root.Parse([.. Values("command").Skip(2), .. Values("args")]);

        Assert.Equal(["dotnet", "logpipeline.dll", "setup"], Values("command"));
        Assert.Empty(result.Errors);
        Assert.Empty(result.UnmatchedTokens);
        Assert.Equal("setup", result.CommandResult.Command.Name);
        Assert.Contains("--kibana-url", Values("args"));
    }

    [Fact]
    public void Every_file_the_job_names_is_on_a_mounted_volume_and_it_reads_the_workers_configuration()
    {
        var args = Values("args");
        var mounts = Container.Items("volumeMounts").Select(m => m.Required("mountPath")).ToList();
        var files = args.Where((_, i) => i > 0 && args[i - 1] is "--kibana-ca" or "--kibana-api-key-file").ToList();

        Assert.Equal(2, files.Count);
        Assert.All(files, f => Assert.Contains(mounts, m => f.StartsWith(m + "/", StringComparison.Ordinal)));
        Assert.Contains("/app/appsettings.json", mounts);
        var configMap = KubernetesManifests.SetupJob.At("spec.template.spec")!.Items("volumes").Single(v => v.Str("name") == "config");
        Assert.Equal(KubernetesManifests.Single("ConfigMap").Required("metadata.name"), configMap.Str("configMap.name"));
        // The worker's Elasticsearch secret is mounted where the ConfigMap's ApiKeyFile points.
        Assert.Contains(KubernetesManifests.WorkerContainer.Items("volumeMounts").Single(m => m.Str("name") == "elasticsearch").Required("mountPath"), mounts);
    }
}
