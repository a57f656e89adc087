namespace Zapier.Cli.Tests;

public sealed class DurationTests
{
    [Theory]
    [InlineData("90", 90)]
    [InlineData("90s", 90)]
    [InlineData("10m", 600)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5m", 90)]
    [InlineData("500ms", 0.5)]
    [InlineData("2d", 172800)]
    public void Timeouts_read_as_durations(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("10x")]
    [InlineData("m10")]
    [InlineData("10m junk")]
    [InlineData("400d")]
    public void Anything_else_is_not_a_duration(string text) => Assert.Null(Durations.Parse(text));

    [Theory]
    [InlineData(1.25, "1.3 s")]
    [InlineData(125, "2m 05s")]
    [InlineData(3720, "1h 02m")]
    public void Durations_print_for_people(double seconds, string expected) =>
        Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));
}
