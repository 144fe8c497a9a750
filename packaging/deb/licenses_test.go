package deb

import (
	"slices"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"MIT", "MIT License\n\nPermission is hereby granted,\nfree of charge, to any person", "Expat"},
		{"Apache", "                Apache License\n          Version 2.0, January 2004", "Apache-2.0"},
		{"BSD-3", "Redistribution and use in source and binary forms ...\n * Neither the name of Google", "BSD-3-clause"},
		{"BSD-2", "Redistribution and use in source and binary forms, with or without\nmodification ...", "BSD-2-clause"},
		{"unknown", "Eclipse Public License - v 2.0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := classify(tt.text)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("classify = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

func TestCopyrightLines(t *testing.T) {
	text := "MIT License\n\nCopyright (c) <year> <copyright holders>\nCopyright (c) 2018\n" +
		"Copyright (c) 2013 The Gorilla WebSocket Authors. All rights reserved.\n" +
		"  Copyright 2009 The Go Authors.\nThe above copyright notice and this permission notice\n" +
		"Copyright notice here\nCopyright © 2020 Someone\n" +
		"Copyright (c) 2026 The Pion community <https://pion.ly>\n   Copyright [yyyy] [name of copyright owner]\n"
	want := []string{"2013 The Gorilla WebSocket Authors. All rights reserved.", "2009 The Go Authors.", "2020 Someone",
		"2026 The Pion community <https://pion.ly>"}
	if got := copyrightLines(text); !slices.Equal(got, want) {
		t.Errorf("copyrightLines = %q, want %q", got, want)
	}
}

func TestEscapeModule(t *testing.T) {
	if got := escapeModule("github.com/BurntSushi/toml"); got != "github.com/!burnt!sushi/toml" {
		t.Errorf("escapeModule = %q", got)
	}
}

func TestCopyrightFile_Deb822(t *testing.T) {
	parts := []component{{files: "go1.26.8/*", copyright: []string{"2009 The Go Authors."}, license: "BSD-3-clause",
		text: "Copyright 2009 The Go Authors.\n\nRedistribution and use\n\tindented"}}
	got := copyrightFile("edge-agent", 2026, parts)
	for _, want := range []string{
		"Format: " + copyrightFormat + "\n",
		"\nFiles: *\nCopyright: 2026 edge-agent developers\nLicense: Expat\n\n",
		"\nFiles: go1.26.8/*\nCopyright: 2009 The Go Authors.\nLicense: BSD-3-clause\n Copyright 2009 The Go Authors.\n .\n Redistribution and use\n         indented\n",
		"\nLicense: Expat\n Permission is hereby granted",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("copyright file lacks %q:\n%s", want, got)
		}
	}
	for i, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if l == "" && i > 0 {
			continue // paragraph separator
		}
		if strings.TrimSpace(l) == "" {
			t.Errorf("line %d is blank inside a paragraph: %q", i+1, l)
		}
	}
}
