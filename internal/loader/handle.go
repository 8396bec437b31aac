package loader

// Handle carries a *Loaded inside a type of another package without adding
// anything to that type's API. The front door's Tagger (package errtag)
// embeds one under an unexported name, and the command gets the Loaded
// back with Of: it builds its Tagger with errtag.New and runs the matchers
// that Tagger holds. Handle's only method is unexported, so go doc shows
// nothing of it, and a program outside this module cannot import this
// package to call Of.
type Handle struct{ l *Loaded }

// Handle returns a Handle carrying l.
func (l *Loaded) Handle() Handle { return Handle{l: l} }

func (h Handle) loaded() *Loaded { return h.l }

// Of returns the Loaded that x carries: x is a value whose type embeds a
// Handle (an *errtag.Tagger).
func Of(x interface{ loaded() *Loaded }) *Loaded { return x.loaded() }
