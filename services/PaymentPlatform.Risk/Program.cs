using PaymentPlatform.Risk;

RiskApplication.Create(args).Run();
