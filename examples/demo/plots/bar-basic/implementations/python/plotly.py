import plotly.express as px

fig = px.bar(x=["North", "South"], y=[42, 35])
fig.write_html("plot.html")
