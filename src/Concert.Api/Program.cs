using Concert.Api.Infrastructure;
using JasperFx;

var builder = WebApplication.CreateBuilder(args);
builder.AddConcert();

var app = builder.Build();
app.UseConcert();

return await app.RunJasperFxCommands(args);

/// <summary>The entry point, public so the specs can host it.</summary>
public partial class Program;
