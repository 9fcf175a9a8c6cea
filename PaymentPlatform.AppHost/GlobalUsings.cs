global using PaymentPlatform.AppHost;
global using PaymentPlatform.Hosting;
