package main

// openCare is the care queue: mentions the enricher flagged as needing a
// response (a complaint or question to the own brand), not written by an own
// account, that no own account has replied to. It reads care_queue, the
// copy of just those mentions and the own replies (schema/0010). A reply names its parent by
// the parent's native id on the same source (mentions.parent_id). A reply
// comes after what it answers, so only replies from the range's start on
// are read, and a reply after the range's end still counts: the queue is
// what is unanswered now.
const openCare = `care_queue FINAL
		WHERE $__timeFilter_ms(created_at)
		  AND needs_response = 1
		  AND own_author = 0
		  AND ` + hasBrand + `
		  AND ` + networkFilter + `
		  AND (source, native_id) NOT IN
		  (
		    SELECT source, parent_id
		    FROM care_queue FINAL
		    WHERE created_at >= $__fromTime_ms
		      AND own_author = 1 AND parent_id != ''
		  )`

// care answers "who is waiting for us?": unanswered complaints and
// questions, oldest first, with links to answer them.
func care() *dashboard {
	d := newDashboard("earshot-care-queue", "earshot — care queue",
		"Complaints and questions to the brand that no own account has answered yet, oldest first, with links.",
		"now-7d", "care")
	d.Refresh = "1m"
	d.Templating.List = []variable{brandVariable(), networkVariable(mentionNetworks)}

	l := d.layout()
	l.add(stat("Waiting", "Unanswered mentions that need a response, by intent, and how long the oldest has waited.", "short", `
		SELECT
		  count() AS waiting,
		  countIf(intent = 'complaint') AS complaints,
		  countIf(intent = 'question') AS questions,
		  dateDiff('second', min(created_at), now64(3)) AS oldest_wait
		FROM `+openCare).withUnit("oldest_wait", "s"), 24, 4)

	queue := table("Queue", "Unanswered complaints and questions, oldest first.", `
		SELECT
		  created_at AS time,
		  dateDiff('second', created_at, now64(3)) AS waiting,
		  network,
		  author_handle AS author,
		  author_followers AS followers,
		  intent,
		  sentiment_label AS sentiment,
		  text,
		  url
		FROM `+openCare+`
		ORDER BY created_at ASC
		LIMIT 200`).sentimentColors("sentiment").withLink("url", "Open and reply").withUnit("waiting", "s")
	l.add(queue, 24, 14)

	l.add(barChart("Waiting by intent and network", "Open items per network and intent.", "short", "network", `
		SELECT
		  network,
		  intent,
		  count() AS waiting
		FROM `+openCare+`
		GROUP BY network, intent
		ORDER BY network, intent`).matrix("network", "intent", "waiting"), 24, 8)
	return d
}
