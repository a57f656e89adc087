namespace Zapier.Client.Redis.Tests;

/// <summary>
/// A fact that needs a real <c>redis-server</c> and <c>redis-cli</c>: on a machine without them it is skipped with a
/// message saying how to install them, so <c>dotnet test</c> on a machine with only the .NET SDK still passes.
/// <c>bash .ci/run</c> installs them and fails when any test was skipped, so CI cannot go green by skipping these.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RedisFactAttribute : FactAttribute
{
    /// <summary>Skips the test when the Redis programs are not on PATH.</summary>
    public RedisFactAttribute()
    {
        if (RedisServer.MissingProgram is { } missing)
        {
            Skip = $"'{missing}' is not installed: install Redis (e.g. apt-get install redis-server) to run the fleet-budget tests; bash .ci/run does.";
        }
    }
}
