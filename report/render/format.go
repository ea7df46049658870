package render

import (
	"math"
	"strconv"

	"golang.org/x/text/number"

	"github.com/earshot-dev/earshot/report"
)

// Formatting for people (PDF, HTML). Machines (CSV, XLSX) get the raw
// float64 instead; see machineNumber.

// num formats v with up to maxFrac decimals and the language's separators.
func (l *locale) num(v float64, maxFrac int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return l.T("na")
	}
	return l.p.Sprint(number.Decimal(v, number.MaxFractionDigits(maxFrac)))
}

// fixed formats v with exactly frac decimals.
func (l *locale) fixed(v float64, frac int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return l.T("na")
	}
	return l.p.Sprint(number.Decimal(v, number.Scale(frac)))
}

// percentOf formats a ratio (0.123) as "12.3%".
func (l *locale) percentOf(ratio float64) string {
	if math.IsNaN(ratio) || math.IsInf(ratio, 0) {
		return l.T("na")
	}
	return l.p.Sprint(number.Percent(ratio, number.Scale(1)))
}

// signed puts a "+" before a positive value that does not round to zero at
// frac decimals; format already writes the "-".
func signed(v float64, frac int, s string) string {
	p := math.Pow10(frac)
	if math.Round(v*p)/p > 0 {
		return "+" + s
	}
	return s
}

// value formats one value of a unit; nil is "no data".
func (l *locale) value(unit, currency string, v *float64) string {
	if v == nil {
		return l.T("nodata")
	}
	x := *v
	switch unit {
	case report.UnitRatio:
		return l.percentOf(x)
	case report.UnitMoney:
		return currency + " " + l.fixed(x, 2)
	case report.UnitScore:
		// Net sentiment (-1 … 1) reads best as a signed percentage.
		return signed(x*100, 1, l.percentOf(x))
	case report.UnitPercent:
		return l.fixed(x, 1) + "%"
	default:
		return l.num(x, 1)
	}
}

// change formats KPI.Change in the KPI's unit; ratios, scores and percents
// change by points ("+4.0 pp"), counts and money by amounts.
func (l *locale) change(k report.KPI, currency string) string {
	c := k.Change()
	if c == nil {
		return l.T("nodata")
	}
	x := *c
	switch k.Unit {
	case report.UnitRatio, report.UnitScore:
		return signed(x*100, 1, l.fixed(x*100, 1)) + " " + l.T("pp")
	case report.UnitPercent:
		return signed(x, 1, l.fixed(x, 1)) + " " + l.T("pp")
	case report.UnitMoney:
		return currency + " " + signed(x, 2, l.fixed(x, 2))
	default:
		return signed(x, 1, l.num(x, 1))
	}
}

// changePct formats KPI.ChangePct; "no data" when a month is missing,
// "n/a" when the previous month was zero (a relative change is undefined).
func (l *locale) changePct(k report.KPI) string {
	if k.Value == nil || k.Prev == nil {
		return l.T("nodata")
	}
	p := k.ChangePct()
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return l.T("na")
	}
	return signed(*p, 1, l.fixed(*p, 1)) + "%"
}

// machineNumber writes v so that strconv.ParseFloat gives back exactly v:
// "." decimal, no grouping, whatever the report language.
func machineNumber(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
