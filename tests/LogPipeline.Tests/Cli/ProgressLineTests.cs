using LogPipeline.Cli;

namespace LogPipeline.Tests.Cli;

public sealed class ProgressLineTests
{
    [Fact]
    public void On_a_terminal_each_update_rewrites_the_line_and_the_end_line_stays()
    {
        var w = new StringWriter();
        var progress = new ProgressLine(w, ProgressMode.Interactive);

        progress.Update("step 1");
        progress.Update("step 2");
        progress.End("done");

        var blank = new string(' ', 110);
        Assert.Equal("\rstep 1" + blank[6..] + "\rstep 2" + blank[6..] + "\r" + blank + "\r" + "done" + Environment.NewLine, w.ToString());
    }

    [Fact]
    public void Redirected_as_lines_each_update_is_a_line()
    {
        var w = new StringWriter();
        var progress = new ProgressLine(w, ProgressMode.Lines);

        progress.Update("step 1");
        progress.Clear();
        progress.End("done");

        Assert.Equal(["step 1", "done"], w.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Redirected_and_silent_only_the_end_line_is_written()
    {
        var w = new StringWriter();
        var progress = new ProgressLine(w, ProgressMode.Silent);

        progress.Update("step 1");
        progress.Clear();
        progress.End("done");

        Assert.Equal("done" + Environment.NewLine, w.ToString());
    }

    [Fact]
    public void A_writer_that_is_not_the_console_is_never_treated_as_a_terminal()
    {
        var w = new StringWriter();

        ProgressLine.For(w, ProgressMode.Silent).Update("step");

        Assert.Empty(w.ToString());
    }
}
