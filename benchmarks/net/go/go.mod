module undergo/netbench

go 1.19
