<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CodeEditor</name>
    <message>
        <location filename="../../ui/editor.py" line="397" />
        <source>Run cell (Ctrl+Enter)</source>
        <translation>运行单元格 (Ctrl+Enter)</translation>
    </message>
</context>
<context>
    <name>Files</name>
    <message>
        <location filename="../../ui/files.py" line="38" />
        <source>{name}: gradviz opens Python scripts (.py) and notebooks (.ipynb).</source>
        <translation>{name}：gradviz 只能打开 Python 脚本 (.py) 和笔记本 (.ipynb)。</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="44" />
        <source>{path}: no such file.</source>
        <translation>{path}：文件不存在。</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="50" />
        <source>{name} is not UTF-8 text.</source>
        <translation>{name} 不是 UTF-8 文本。</translation>
    </message>
    <message>
        <location filename="../../ui/files.py" line="58" />
        <source>{name} is not a readable Jupyter notebook: {error}</source>
        <translation>{name} 不是可读取的 Jupyter 笔记本：{error}</translation>
    </message>
</context>
<context>
    <name>GraphArea</name>
    <message>
        <location filename="../../ui/graph_area.py" line="67" />
        <source>Graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <location filename="../../ui/graph_area.py" line="68" />
        <source>Outline</source>
        <translation>大纲</translation>
    </message>
</context>
<context>
    <name>GraphOutline</name>
    <message>
        <location filename="../../ui/outline.py" line="27" />
        <source>Tensors</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="29" />
        <source>Backward functions</source>
        <translation>反向函数</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="30" />
        <source>Gradient accumulators</source>
        <translation>梯度累加器</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="35" />
        <source>leaf</source>
        <translation>叶子</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="36" />
        <source>intermediate</source>
        <translation>中间</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="37" />
        <source>constant</source>
        <translation>常量</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="152" />
        <source>Node</source>
        <translation>节点</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="153" />
        <source>Shape / order</source>
        <translation>形状 / 顺序</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="154" />
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../../ui/outline.py" line="155" />
        <source>Line</source>
        <translation>行</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <location filename="../../ui/inspector.py" line="157" />
        <source>Click to select {node}</source>
        <translation>点击选中 {node}</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="194" />
        <source>Nothing selected</source>
        <translation>未选中任何节点</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="197" />
        <source>Select a node in the graph or the outline to see its attributes, values and gradient.</source>
        <translation>在计算图或大纲中选择一个节点，即可查看它的属性、数值和梯度。</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="214" />
        <source>line {line}</source>
        <translation>第 {line} 行</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="215" />
        <source>created at</source>
        <translation>创建于</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="223" />
        <source>leaf tensor</source>
        <translation>叶子张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="224" />
        <source>intermediate tensor</source>
        <translation>中间张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="225" />
        <source>constant tensor</source>
        <translation>常量张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="226" />
        <location filename="../../ui/inspector.py" line="324" />
        <source>tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="227" />
        <source>Tensor</source>
        <translation>张量</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="230" />
        <source>names</source>
        <translation>变量名</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="237" />
        <source>version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="243" />
        <source>Values</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="252" />
        <source>why None</source>
        <translation>为何为 None</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="255" />
        <source>values</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="270" />
        <source>(first {n} of {total} values)</source>
        <translation>（{total} 个值中的前 {n} 个）</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="292" />
        <source>backward function</source>
        <translation>反向函数</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="293" />
        <location filename="../../ui/inspector.py" line="334" />
        <source>Autograd node</source>
        <translation>自动求导节点</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="295" />
        <source>name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="296" />
        <source>sequence number</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="298" />
        <source>Inputs (forward)</source>
        <translation>输入（前向）</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="303" />
        <source>Outputs (forward)</source>
        <translation>输出（前向）</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="312" />
        <source>Saved buffers</source>
        <translation>保存的缓冲区</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="315" />
        <source>freed</source>
        <translation>已释放</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="315" />
        <source>alive</source>
        <translation>仍保留</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="326" />
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="328" />
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../ui/inspector.py" line="333" />
        <source>gradient accumulator</source>
        <translation>梯度累加器</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/app.py" line="76" />
        <location filename="../../ui/main_window.py" line="351" />
        <source>Could not open the file</source>
        <translation>无法打开文件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="267" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="273" />
        <source>Session restarted: all variables were cleared.</source>
        <translation>会话已重启：所有变量均已清除。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="282" />
        <source>Session restarted: re-running cell {index}…</source>
        <translation>会话已重启：正在重新运行单元格 {index}…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="284" />
        <source>Running cell {index}…</source>
        <translation>正在运行单元格 {index}…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="301" />
        <source>The code runner failed: {error}</source>
        <translation>代码运行器出错：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="312" />
        <source>Ready ({seconds:.2f} s)</source>
        <translation>就绪（{seconds:.2f} 秒）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="314" />
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="321" />
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="339" />
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="340" />
        <source>Python scripts and notebooks (*.py *.ipynb)</source>
        <translation>Python 脚本和笔记本 (*.py *.ipynb)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="354" />
        <source>{name} (example)</source>
        <translation>{name}（示例）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="370" />
        <source>Save As</source>
        <translation>另存为</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="371" />
        <source>Python script (*.py);;Jupyter notebook (*.ipynb)</source>
        <translation>Python 脚本 (*.py);;Jupyter 笔记本 (*.ipynb)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="390" />
        <source>Could not save the file</source>
        <translation>无法保存文件</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="395" />
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="404" />
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="405" />
        <source>{name} has changes that are not saved. Save them?</source>
        <translation>{name} 有尚未保存的更改。要保存吗？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="426" />
        <source>Restore unsaved work?</source>
        <translation>恢复未保存的内容？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="427" />
        <source>gradviz closed unexpectedly. Unsaved work from {time} was kept. Restore it?</source>
        <translation>gradviz 上次意外关闭，{time} 的未保存内容已被保留。要恢复吗？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="530" />
        <location filename="../../ui/main_window.py" line="531" />
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="532" />
        <source>Toolbar</source>
        <translation>工具栏</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="542" />
        <source>Ln {line}, Col {col}</source>
        <translation>第 {line} 行，第 {col} 列</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="545" />
        <source>Cell {index}</source>
        <translation>单元格 {index}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="550" />
        <source>About gradviz</source>
        <translation>关于 gradviz</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="551" />
        <source>gradviz makes PyTorch's autograd visible: type PyTorch-style code, see the autograd graph, and step through backward() node by node.</source>
        <translation>gradviz 让 PyTorch 的自动求导看得见：输入 PyTorch 风格的代码，查看自动求导计算图，并逐个节点地单步执行 backward()。</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="116" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="117" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="118" />
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="119" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="120" />
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="121" />
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="122" />
        <source>&amp;Examples</source>
        <translation>示例(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="123" />
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="124" />
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="125" />
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="126" />
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="127" />
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="128" />
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="129" />
        <source>Clear Recent Files</source>
        <translation>清除最近文件</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="130" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="131" />
        <source>&amp;Preferences…</source>
        <translation>首选项(&amp;P)…</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="132" />
        <source>Run Cell</source>
        <translation>运行单元格</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="133" />
        <source>Run Cell and Advance</source>
        <translation>运行并跳到下一单元格</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="134" />
        <source>Run All</source>
        <translation>全部运行</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="135" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="136" />
        <source>Restart Session</source>
        <translation>重启会话</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="137" />
        <source>Follow System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="138" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="139" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="140" />
        <source>&amp;About gradviz</source>
        <translation>关于 gradviz(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="141" />
        <source>Run the cell under the cursor (Ctrl+Enter)</source>
        <translation>运行光标所在的单元格 (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="142" />
        <source>Run every cell from the top (Ctrl+Shift+Enter)</source>
        <translation>从头运行所有单元格 (Ctrl+Shift+Enter)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="143" />
        <source>Stop the running code (Esc)</source>
        <translation>停止正在运行的代码 (Esc)</translation>
    </message>
    <message>
        <location filename="../../ui/window_actions.py" line="144" />
        <source>Start a fresh session: all variables are forgotten</source>
        <translation>开始一个新会话：所有变量都会被清除</translation>
    </message>
</context>
<context>
    <name>OutputPanel</name>
    <message>
        <location filename="../../ui/output.py" line="37" />
        <source>line {line}</source>
        <translation>第 {line} 行</translation>
    </message>
    <message>
        <location filename="../../ui/output.py" line="113" />
        <source>Run a cell (Ctrl+Enter) to see its output here.</source>
        <translation>运行一个单元格 (Ctrl+Enter)，输出会显示在这里。</translation>
    </message>
    <message>
        <location filename="../../ui/output.py" line="123" />
        <source>Cell {index}</source>
        <translation>单元格 {index}</translation>
    </message>
    <message>
        <location filename="../../ui/output.py" line="126" />
        <source>running…</source>
        <translation>运行中…</translation>
    </message>
    <message>
        <location filename="../../ui/output.py" line="130" />
        <source>re-run after restart</source>
        <translation>重启后重新运行</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../ui/preferences.py" line="41" />
        <source>Preferences</source>
        <translation>首选项</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="46" />
        <source>Follow system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="47" />
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="48" />
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="78" />
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="80" />
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="81" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="83" />
        <source>Code runner</source>
        <translation>代码运行器</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="85" />
        <source>Time limit per cell</source>
        <translation>每个单元格的时间上限</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="86" />
        <source>Max elements per tensor</source>
        <translation>每个张量的最大元素数</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="88" />
        <source>Backward animation</source>
        <translation>反向传播动画</translation>
    </message>
    <message>
        <location filename="../../ui/preferences.py" line="90" />
        <source>Speed</source>
        <translation>速度</translation>
    </message>
</context>
<context>
    <name>Runner</name>
    <message>
        <location filename="../../ui/runner.py" line="110" />
        <source>The code runner could not start: {error}</source>
        <translation>代码运行器无法启动：{error}</translation>
    </message>
    <message>
        <location filename="../../ui/runner.py" line="144" />
        <source>cancelled by the user</source>
        <translation>已被用户取消</translation>
    </message>
</context>
</TS>
