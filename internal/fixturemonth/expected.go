package fixturemonth

// Hand-computed results. Mentions count once per brand they name (m08
// names Acme and Globex); m05 counts once, with its re-collected counters
// (likes 10: engagement 15); m20 names no brand and counts nowhere.
// Potential reach = Σ author followers (a1 1000, a2 200, a3 5000, a4 50,
// a5 300, a6 10000); engagement = likes + shares + comments.

// October 2026, per brand.
const (
	// Acme: m05 m06 m07 m08 m09 m10 m14 m15 m18.
	OctAcmeMentions = 9
	// 1000 + 1000 + 200 + 5000 + 50 + 300 + 10000 + 10000 + 200.
	OctAcmeReach = 27750
	// 15 + 5 + 1 + 5 + 4 + 0 + 65 + 10 + 0.
	OctAcmeEngagement = 105
	// a1 a2 a3 a4 a5 a6.
	OctAcmeUniqueAuthors = 6
	// positive m05 m06 m09 m14 m15; negative m07 m10 m18; neutral m08.
	OctAcmePositive, OctAcmeNeutral, OctAcmeNegative = 5, 1, 3
	// (5 − 3) ÷ 9 × 100 = 22.2222…
	OctAcmeNetSentiment = 200.0 / 9

	// Globex: m08 m11 m12 m17; reach 5000 + 10000 + 200 + 50; engagement 5 + 30 + 1 + 0;
	// positive m11, negative m12, neutral m08 m17: net 0.
	OctGlobexMentions, OctGlobexReach, OctGlobexEngagement = 4, 15250, 36
	// Initech: m13 m16 m19; reach 300 + 5000 + 300; engagement 3 + 2 + 3; one of each label: net 0.
	OctInitechMentions, OctInitechReach, OctInitechEngagement = 3, 5600, 8

	// Share of voice of Acme over October, Σ ÷ Σ:
	// by mentions 9 ÷ (9 + 4 + 3) = 9/16 = 0.5625,
	// by reach 27750 ÷ (27750 + 15250 + 5600) = 27750/48600 = 0.570987…,
	// by engagement 105 ÷ (105 + 36 + 8) = 105/149 = 0.704697….
	OctAcmeSoVMentions   = 9.0 / 16
	OctAcmeSoVReach      = 27750.0 / 48600
	OctAcmeSoVEngagement = 105.0 / 149
)

// 2026-10-03, the busiest day: Acme 6 (m05–m10), Globex 3 (m08 m11 m12), Initech 1 (m13).
const (
	// Acme SoV by mentions on 2026-10-03 = 6/(6+3+1) = 0.6.
	Oct03AcmeSoVMentions = 6.0 / 10
	// by reach: 7550 ÷ (7550 + 15200 + 300) = 7550/23050.
	Oct03AcmeSoVReach = 7550.0 / 23050
	// by engagement: 30 ÷ (30 + 36 + 3) = 30/69.
	Oct03AcmeSoVEngagement = 30.0 / 69
	// positive m05 m06 m09, negative m07 m10, neutral m08: (3 − 2) ÷ 6 × 100.
	Oct03AcmeNetSentiment = 100.0 / 6
)

// The previous period (2026-09-29..30): Acme m01 m03 m04, Globex m02.
const (
	SepAcmeMentions   = 3
	SepAcmeReach      = 6050 // 1000 + 5000 + 50
	SepAcmeEngagement = 7    // 3 + 3 + 1
	// positive m01 m04, negative m03: (2 − 1) ÷ 3 × 100.
	SepAcmeNetSentiment = 100.0 / 3
	// 3 ÷ (3 + 1).
	SepAcmeSoVMentions = 3.0 / 4
)

// Own posts in October, each post's last observation in the month (P1 on
// 10-03, P2 on 10-03, P3 on 10-11): engagement 100 + 250 + 40 = 390, reach
// 2000 + 2500 + 800 = 5300, impressions 3000 + 4000 + 1000 = 8000.
const (
	OctPostEngagement  = 390
	OctPostReach       = 5300
	OctPostImpressions = 8000
	// 390 ÷ 5300 × 100 = 7.358490…
	OctEngagementRateReach = 390.0 / 5300 * 100
	// 390 ÷ 8000 × 100 = 4.875.
	OctEngagementRateImpressions = 4.875
	// Website clicks from own posts: 70 (P1) + 0 (P2) + 15 (P3).
	OctPostClicks = 85
)

// Followers of acmehq on x: 2000 on 09-30 (the day before October) and
// 2500 on 10-31: +500, 500 ÷ 2000 × 100 = 25 %.
const (
	OctXFollowersStart, OctXFollowersEnd = 2000, 2500
	OctXFollowersGrowthPct               = 25.0
)

// Conversions and ROI (EUR). Social networks only: c4 comes from the
// newsletter and s3 is paid search.
const (
	// c1 49.99 (fb) + c2 100 (twitter) + c3 0 (IG) + c5 74.51 (instagram).
	OctConversions     = 4
	OctAttributedValue = 224.50
	// s1 30 (facebook) + s2 20.50 (x) + s4 10 (meta).
	OctAdSpend = 60.50
	// 60.50 + MonthlyCost 100.
	OctTotalCost = 160.50
	// (224.50 − 160.50) ÷ 160.50 = 64/160.5 = 0.398753…
	OctROI = 64 / 160.5

	// September: c6 10 (x); s5 5 (x); cost 5 + 100 = 105; ROI (10 − 105) ÷ 105.
	SepConversions     = 1
	SepAttributedValue = 10.0
	SepAdSpend         = 5.0
	SepTotalCost       = 105.0
	SepROI             = -95.0 / 105
)
