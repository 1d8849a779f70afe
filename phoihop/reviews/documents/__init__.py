"""The review report as a document: the layout-free content (`model`), the Word file in
the Decree 30/2020/NĐ-CP format (`word`), its PDF (`pdf`, LibreOffice converting the
.docx itself) and the annex workbook (`annex`)."""
