using System.Runtime.CompilerServices;

// The publishing tests check the YAML and Bicep writers and the expression resolver directly,
// besides publishing whole graphs.
[assembly: InternalsVisibleTo("PaymentPlatform.Publishing.Tests")]
