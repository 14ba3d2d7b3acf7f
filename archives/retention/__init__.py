"""保管期限: how long what is not the final archive is kept, what is due, and its destruction or hand-over
(移交) decided by the town office (镇制度 六(二)3; 办法 第九条; DOMAIN Archives)."""
