//go:build tools

// Package bourse names the module's main dependencies in one place: Arrow,
// Prometheus, cobra, franz-go (client, admin and the embedded kfake broker)
// and parquet-go. Every one is also imported by the packages that use it,
// so `go mod tidy` keeps them without this file, which is never built
// (build tag tools).
package bourse

import (
	_ "github.com/apache/arrow/go/v15/arrow"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/spf13/cobra"
	_ "github.com/twmb/franz-go/pkg/kadm"
	_ "github.com/twmb/franz-go/pkg/kfake"
	_ "github.com/twmb/franz-go/pkg/kgo"
	_ "github.com/xitongsys/parquet-go/writer"
)
