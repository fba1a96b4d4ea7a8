package mirror

import "github.com/prometheus/client_golang/prometheus"

// The mirrors' series on /metrics, labelled by mirror id: the Runtime is their collector.
var (
	descFrames     = prometheus.NewDesc("shmbridge_mirror_frames_total", "Messages of the source's stream written here (snapshots and changes), by mirror.", []string{"mirror"}, nil)
	descBytes      = prometheus.NewDesc("shmbridge_mirror_bytes_total", "Bytes written here from the source, by mirror.", []string{"mirror"}, nil)
	descEvents     = prometheus.NewDesc("shmbridge_mirror_events_total", "Replicated events set here, by mirror.", []string{"mirror"}, nil)
	descReconnects = prometheus.NewDesc("shmbridge_mirror_reconnects_total", "Connections to the source after the first, by mirror.", []string{"mirror"}, nil)
	descLag        = prometheus.NewDesc("shmbridge_mirror_lag_seconds", "The last frame's lag: written here less sampled at the source, by mirror.", []string{"mirror"}, nil)
	descUp         = prometheus.NewDesc("shmbridge_mirror_up", "1 while the mirror follows its source, else 0, by mirror.", []string{"mirror"}, nil)
)

// Describe sends the mirrors' descriptors.
func (rt *Runtime) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descFrames, descBytes, descEvents, descReconnects, descLag, descUp} {
		ch <- d
	}
}

// Collect sends each running mirror's series.
func (rt *Runtime) Collect(ch chan<- prometheus.Metric) {
	rt.mu.Lock()
	ids := make([]string, 0, len(rt.runs))
	for id := range rt.runs {
		ids = append(ids, id)
	}
	rt.mu.Unlock()
	for _, id := range ids {
		st := rt.Status(id)
		up := 0.0
		if st.State == StateFollowing {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(descFrames, prometheus.CounterValue, float64(st.Frames), id)
		ch <- prometheus.MustNewConstMetric(descBytes, prometheus.CounterValue, float64(st.Bytes), id)
		ch <- prometheus.MustNewConstMetric(descEvents, prometheus.CounterValue, float64(st.Events), id)
		ch <- prometheus.MustNewConstMetric(descReconnects, prometheus.CounterValue, float64(st.Reconnects), id)
		ch <- prometheus.MustNewConstMetric(descLag, prometheus.GaugeValue, st.Lag.Seconds(), id)
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up, id)
	}
}
