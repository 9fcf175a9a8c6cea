using PaymentPlatform.ServiceDefaults.Telemetry;

namespace PaymentPlatform.ServiceDefaults.Tests;

public class TelemetrySettingsTests
{
    [Fact]
    public void ResourceAttributesAreParsedAsTheOtelSpecWritesThem()
    {
        var attributes = TelemetrySettings.ParseResourceAttributes("service.instance.id=gateway-1, deployment.environment=dev%20box,broken,=x");

        Assert.Equal("gateway-1", attributes["service.instance.id"]);
        Assert.Equal("dev box", attributes["deployment.environment"]);
        Assert.Equal(2, attributes.Count);
    }
}
