package matcher

import "github.com/errtag/errtag/internal/rules"

// corroborate decides whether a find of shape rule r counts (section 8 of
// the log-format contract). On a line that carries r's system's marker
// the find counts whatever its message; under --system naming r's system
// it counts too; otherwise it counts only when its Corroboration holds.
// Either way f.cue becomes CueShape when the shape is corroborated and that
// is the strongest tie the find has (a corroborated shape outranks a
// marker). The reason returned is a keep kind when the find counts and a
// drop kind when it does not.
func (st *lineState) corroborate(r *rule, f *find, msg string) reason {
	switch f.cue {
	case rules.CueMarker, rules.CueCarrier:
		if why := st.shapeHolds(r, f, msg); why.kind >= keepMarked && strength(rules.CueShape) > strength(f.cue) {
			f.cue = rules.CueShape
			return why
		}
		return reason{kind: keepMarked, system: r.system, cue: f.cue}
	}
	why := st.shapeHolds(r, f, msg)
	switch {
	case why.kind >= keepMarked:
		f.cue = rules.CueShape
	case f.cue == rules.CueSystem:
		return reason{kind: keepNamed, system: r.system}
	}
	return why
}

// shapeHolds checks r's Corroboration for a find that nothing else ties to
// its system.
func (st *lineState) shapeHolds(r *rule, f *find, msg string) reason {
	c := r.Corroborate
	why := reason{system: r.system, code: f.code, msg: msg}
	if !f.res.Known {
		if r.context == nil {
			why.kind = dropUnlisted
			return why
		}
		why.word = st.contextOn(r)
		if why.word == "" {
			why.kind, why.words = dropNoContext, r.Corroborate.Context
			return why
		}
		why.kind = keepContext
		return why
	}
	if !c.Message {
		why.kind = keepListed
		return why
	}
	// The vendor's messages are for the trace only: the decision is
	// made without them (and without allocating them).
	if f.res.Agrees {
		why.kind = keepAgrees
		if st.trace != nil {
			why.vendor = []string{f.res.Entry.Message}
		}
		return why
	}
	if st.trace != nil {
		for _, e := range st.m.cat.Lookup(r.system, f.code) {
			why.vendor = append(why.vendor, e.Message)
		}
	}
	why.kind = dropDisagrees
	if msg == "" {
		why.kind = dropNoMessage
	}
	return why
}
