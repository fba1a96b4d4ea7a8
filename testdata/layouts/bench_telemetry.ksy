# A telemetry struct of 90 scalar fields (640 bytes): the layout benchmarks' (internal/layout's BenchmarkDecodeJSON,
# .ci/bench-fields).
meta:
  id: bench_telemetry
  endian: le
seq:
  - id: v00
    type: f8
  - id: v01
    type: f8
  - id: v02
    type: f8
  - id: v03
    type: f8
  - id: v04
    type: f8
  - id: v05
    type: f8
  - id: v06
    type: f8
  - id: v07
    type: f8
  - id: v08
    type: f8
  - id: v09
    type: f8
  - id: v10
    type: f8
  - id: v11
    type: f8
  - id: v12
    type: f8
  - id: v13
    type: f8
  - id: v14
    type: f8
  - id: v15
    type: f8
  - id: v16
    type: f8
  - id: v17
    type: f8
  - id: v18
    type: f8
  - id: v19
    type: f8
  - id: v20
    type: f8
  - id: v21
    type: f8
  - id: v22
    type: f8
  - id: v23
    type: f8
  - id: v24
    type: f8
  - id: v25
    type: f8
  - id: v26
    type: f8
  - id: v27
    type: f8
  - id: v28
    type: f8
  - id: v29
    type: f8
  - id: v30
    type: f8
  - id: v31
    type: f8
  - id: v32
    type: f8
  - id: v33
    type: f8
  - id: v34
    type: f8
  - id: v35
    type: f8
  - id: v36
    type: f8
  - id: v37
    type: f8
  - id: v38
    type: f8
  - id: v39
    type: f8
  - id: v40
    type: f8
  - id: v41
    type: f8
  - id: v42
    type: f8
  - id: v43
    type: f8
  - id: v44
    type: f8
  - id: v45
    type: f8
  - id: v46
    type: f8
  - id: v47
    type: f8
  - id: v48
    type: f8
  - id: v49
    type: f8
  - id: v50
    type: f8
  - id: v51
    type: f8
  - id: v52
    type: f8
  - id: v53
    type: f8
  - id: v54
    type: f8
  - id: v55
    type: f8
  - id: v56
    type: f8
  - id: v57
    type: f8
  - id: v58
    type: f8
  - id: v59
    type: f8
  - id: v60
    type: f8
  - id: v61
    type: f8
  - id: v62
    type: f8
  - id: v63
    type: f8
  - id: v64
    type: f8
  - id: v65
    type: f8
  - id: v66
    type: f8
  - id: v67
    type: f8
  - id: v68
    type: f8
  - id: v69
    type: f8
  - id: v70
    type: f4
  - id: v71
    type: f4
  - id: v72
    type: f4
  - id: v73
    type: f4
  - id: v74
    type: f4
  - id: v75
    type: f4
  - id: v76
    type: f4
  - id: v77
    type: f4
  - id: v78
    type: f4
  - id: v79
    type: f4
  - id: v80
    type: s4
  - id: v81
    type: s4
  - id: v82
    type: s4
  - id: v83
    type: s4
  - id: v84
    type: s4
  - id: v85
    type: s4
  - id: v86
    type: s4
  - id: v87
    type: s4
  - id: v88
    type: s4
  - id: v89
    type: s4
