namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// Text cells of the CSV files, safe to open in a spreadsheet. Names and ids come from configs and
/// dataset files; a cell that starts with <c>= + - @</c>, a tab or a carriage return is read by Excel,
/// LibreOffice and Google Sheets as a formula. As OWASP's "CSV Injection" guidance and spreadsheet-safe
/// exporters do, such a cell gets a leading apostrophe, which the spreadsheet shows as text. Only text
/// cells go through here: numbers (a negative mean) stay numbers.
/// </summary>
public static class SpreadsheetSafe
{
    public static string Text(string cell) =>
        cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + cell : cell;
}
