namespace Zapier.Client;

/// <summary>
/// Names to turn the client's telemetry on: <c>tracing.AddSource(ZapierDiagnostics.Name)</c> and
/// <c>metrics.AddMeter(ZapierDiagnostics.Name)</c> with OpenTelemetry (see the README's "Observability").
/// </summary>
public static class ZapierDiagnostics
{
    /// <summary>The name of the client's <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "Zapier.Client";

    /// <summary>The version reported with them (the assembly's informational version).</summary>
    public static string Version { get; } =
        typeof(ZapierDiagnostics).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            is [System.Reflection.AssemblyInformationalVersionAttribute attribute, ..] ? attribute.InformationalVersion.Split('+')[0] : "0.0.0";
}
