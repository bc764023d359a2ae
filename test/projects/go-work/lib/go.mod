module example.com/work/lib

go 1.22
