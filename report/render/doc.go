// Package render writes a report.Report for people and for machines: PDF
// (A4, printable, charts as PNG), one self-contained HTML file (charts as
// inline SVG), an XLSX workbook with real numbers and number formats, and
// CSV files with machine-readable numbers. Labels, numbers and dates are
// in English ("en") or Indonesian ("id").
//
// Every table is built once as typed cells (tables.go) and written by each
// format, so the four outputs cannot disagree; missing values are written
// as "no data" for people and left empty in CSV, never as zero.
package render
