"""Test data shared by the API and end-to-end tests."""

INSIDE = {"lat": 34.862, "lng": 117.552}          # inside 中心街街道's grid 001
OUTSIDE = {"lat": 31.23, "lng": 121.47}           # far outside the district
RUBBISH = "建华小区3号楼门口的垃圾桶满了三天没人清运，臭气熏天"   # plainly 环境卫生 (major 02)
