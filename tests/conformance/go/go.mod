module undergo/conformance

go 1.19
