//go:build tools

// Package bourse pins the module's named dependencies so that `go mod tidy`
// keeps them while packages are being written against them.
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
