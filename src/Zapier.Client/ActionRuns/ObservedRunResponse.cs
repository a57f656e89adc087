using Microsoft.Kiota.Abstractions.Serialization;
using Zapier.Client.Generated.Models;

namespace Zapier.Client.ActionRuns;

/// <summary>
/// The generated run response, read so that the status string is kept as sent: Kiota maps a status it does not know
/// to null, and a wait must tell "unknown status" (the run ended) from "no status" (never finished).
/// </summary>
internal sealed class ObservedRunResponse : ActionRunResponse
{
    public string? RawStatus => (Data as ObservedRunData)?.RawStatus;

    public static new ObservedRunResponse CreateFromDiscriminatorValue(IParseNode parseNode)
    {
        ArgumentNullException.ThrowIfNull(parseNode);
        return new ObservedRunResponse();
    }

    public override IDictionary<string, Action<IParseNode>> GetFieldDeserializers()
    {
        var fields = base.GetFieldDeserializers();
        fields["data"] = n => Data = n.GetObjectValue(ObservedRunData.Create);
        return fields;
    }

    private sealed class ObservedRunData : ActionRunResponseData
    {
        public string? RawStatus { get; private set; }

        public static ObservedRunData Create(IParseNode parseNode)
        {
            ArgumentNullException.ThrowIfNull(parseNode);
            return new ObservedRunData();
        }

        public override IDictionary<string, Action<IParseNode>> GetFieldDeserializers()
        {
            var fields = base.GetFieldDeserializers();
            var typed = fields["status"];
            fields["status"] = n =>
            {
                RawStatus = n.GetStringValue();
                typed(n);
            };
            return fields;
        }
    }
}
